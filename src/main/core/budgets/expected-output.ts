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

/**
 * Ascending `xs` with one `from` (which it holds) replaced by `to`, in place: the new value takes the old one's
 * slot and moves to its place. Two splices did the same, allocating two arrays on every settle.
 */
function replaceSorted(xs: number[], from: number, to: number): void {
  let i = lowerBound(xs, from);
  xs[i] = to;
  while (i + 1 < xs.length && xs[i + 1]! < to) {
    xs[i] = xs[i + 1]!;
    xs[++i] = to;
  }
  while (i > 0 && xs[i - 1]! > to) {
    xs[i] = xs[i - 1]!;
    xs[--i] = to;
  }
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
  /** The key fed last, at the end of `rings`' order. */
  let newest = '';

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
      // Moved to the end of the map (the most recently fed), unless it is there already: the usual case, one
      // client's calls in a row, then costs no delete and re-insert.
      if (!r || k !== newest) {
        if (r) rings.delete(k);
        else {
          r = { values: [], next: 0, sorted: [] };
          if (rings.size >= PAIRS) rings.delete(rings.keys().next().value!);
        }
        rings.set(k, r);
        newest = k;
      }
      if (r.values.length < RING) {
        r.values.push(outputTokens);
        r.sorted.splice(lowerBound(r.sorted, outputTokens), 0, outputTokens);
      } else {
        replaceSorted(r.sorted, r.values[r.next]!, outputTokens);
        r.values[r.next] = outputTokens;
      }
      r.next = (r.next + 1) % RING;
    },
  };
}
