export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A finite non-negative number, else 0: provider usage fields may be missing or null. */
export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * The UTF-8 text of a JSON object (one JSON.parse accepted) with `member` (`"key":value`) added as its last
 * member: only its closing brace moves, so a large body is copied, not re-serialised. Null when the text does
 * not end in an object's closing brace.
 */
export function appendMember(text: Buffer, member: string): Buffer | null {
  let end = text.length - 1;
  while (end >= 0 && isSpace(text[end]!)) end--;
  if (end < 1 || text[end] !== 125) return null;
  let before = end - 1;
  while (before >= 0 && isSpace(text[before]!)) before--;
  // Only an empty object has its opening brace right before the closing one: no value ends in "{".
  const sep = text[before] === 123 ? '' : ',';
  return Buffer.concat([text.subarray(0, end), Buffer.from(sep + member), text.subarray(end)]);
}
