/**
 * Rough token counts from text, for calls whose usage never arrived (a stream cut before its usage event, an
 * embedding API that reports none). About four characters per token for English prose; records that use it are
 * flagged "estimated".
 */
export function approxTokens(text: string | number): number {
  const chars = typeof text === 'number' ? text : text.length;
  return chars <= 0 ? 0 : Math.ceil(chars / 4);
}
