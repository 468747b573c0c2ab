import type { JsonObject } from '../util/json.js';
import type { CallInfo, MeteredUsage } from './types.js';

export function emptyMetered(): MeteredUsage {
  return { usage: null, responseModel: null, reportedCostUsd: null, complete: false, textChars: 0 };
}

/** Collects the text a prompt carries (strings anywhere in the listed fields), for token estimates. */
export function collectText(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectText(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      // Base64 images and audio are not text tokens; counting them would inflate estimates by orders of magnitude.
      if (k === 'data' || k === 'image_url' || k === 'url' || k === 'file_data' || k === 'inline_data' || k === 'inlineData') continue;
      collectText(v, out);
    }
  }
  return out;
}

export function callInfo(model: string | null, stream: boolean, maxOutputTokens: number | null, promptOf: () => unknown): CallInfo {
  let text: string | null = null;
  return {
    model,
    stream,
    maxOutputTokens,
    promptText: () => (text ??= collectText(promptOf()).join('\n')),
  };
}

export function positiveInt(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : null;
}

/**
 * Longer model names are cut to this many characters before anything looks them up: price lookups scan the
 * price table with the name (a 10 MB name held the event loop for 30 s). It is one past the ledger's bound
 * (ledger/bounds.ts), so the ledger still sees the name was cut and flags the record. The upstream gets the
 * body as sent.
 */
export const MAX_MODEL_CHARS = 201;

export function boundedModel(m: string): string {
  return m.length > MAX_MODEL_CHARS ? m.slice(0, MAX_MODEL_CHARS) : m;
}

export function modelOf(body: JsonObject | null): string | null {
  const m = body?.model;
  return typeof m === 'string' && m.length > 0 ? boundedModel(m) : null;
}

/** Sets a numeric cap if the body has none or a larger one. */
export function clampField(body: JsonObject | null, field: string, max: number): boolean {
  if (!body) return false;
  const cur = body[field];
  if (typeof cur === 'number' && cur <= max) return false;
  body[field] = max;
  return true;
}

/** The lookup key of an operation path: lower case, without trailing slashes, as lenient upstreams read it. */
export function operationKey(path: string): string {
  const lower = path.toLowerCase();
  // Per request: only a path that ends in a slash has one to strip.
  return lower.charCodeAt(lower.length - 1) === 47 ? lower.replace(/\/+$/, '') : lower;
}

/** Sums stay exact and finite below this; anything near it is capped as implausible when the call is priced. */
const MAX_COUNT = 1e12;

/**
 * A token count as the upstream reported it: a finite, non-negative integer, else undefined. Undefined means
 * "could not be read" (a string, null, an array, a fraction): the proxy estimates and flags such a count
 * rather than record the call as free.
 */
export function tokenCount(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? Math.min(v, MAX_COUNT) : undefined;
}

/** A count that may be absent or unreadable without making the call's usage unreadable (cache and detail fields). */
export function optionalCount(v: unknown): number {
  return tokenCount(v) ?? 0;
}

/** The sum of counts, unreadable if any part is. */
export function sumCounts(...parts: (number | undefined)[]): number | undefined {
  let n = 0;
  for (const p of parts) {
    if (p === undefined) return undefined;
    n += p;
  }
  return n;
}
