/** Recent output counts kept per key × model. */
const RING = 64;
/** Key × model pairs remembered; the least recently fed is forgotten first. */
const PAIRS = 512;
/** Fewer samples than this say too little about a tail: the default applies until then. */
const MIN_SAMPLES = 5;
/** Before there is history: what a stream is assumed to produce when it asks for more. */
export const DEFAULT_EXPECTED_OUTPUT = 4096;

interface Ring {
  values: number[];
  next: number;
  /** `values` in ascending order, kept so as each call is recorded: the percentile is then one read. */
  sorted: number[];
}

/** Where `v` goes in ascending `xs` (the first index whose value is not below it). */
function lowerBound(xs: number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface ExpectedOutput {
  /** What a stream of this key and model usually produces (95th percentile), never more than `requested`. */
  tokens(keyId: string, model: string, requested: number): number;
  record(keyId: string, model: string, outputTokens: number): void;
}

/**
 * What a streamed call is reserved at: the 95th percentile of the output recent calls of the same key and model
 * produced. A stream that runs past it is metered live and cut off at the hard stop, so the percentile only
 * decides how many streams are let in at once, never how far a budget can be overspent.
 */
export function createExpectedOutput(): ExpectedOutput {
  const rings = new Map<string, Ring>();
  const keyOf = (keyId: string, model: string) => `${keyId}\u0000${model}`;

  // Every streamed admission reads it and every settle changes it: sorting a copy per read cost more than the
  // rest of a stream's admission.
  const p95 = (r: Ring): number => r.sorted[Math.ceil(r.sorted.length * 0.95) - 1]!;

  return {
    tokens(keyId, model, requested) {
      const r = rings.get(keyOf(keyId, model));
      const expected = r && r.values.length >= MIN_SAMPLES ? p95(r) : DEFAULT_EXPECTED_OUTPUT;
      return Math.min(requested, expected);
    },
    record(keyId, model, outputTokens) {
      const k = keyOf(keyId, model);
      let r = rings.get(k);
      if (r) rings.delete(k);
      else {
        r = { values: [], next: 0, sorted: [] };
        if (rings.size >= PAIRS) rings.delete(rings.keys().next().value!);
      }
      rings.set(k, r);
      if (r.values.length < RING) r.values.push(outputTokens);
      else {
        r.sorted.splice(lowerBound(r.sorted, r.values[r.next]!), 1);
        r.values[r.next] = outputTokens;
      }
      r.sorted.splice(lowerBound(r.sorted, outputTokens), 0, outputTokens);
      r.next = (r.next + 1) % RING;
    },
  };
}
