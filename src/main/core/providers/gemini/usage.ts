import type { TokenUsage } from '../../../contract/usage.js';
import { isObject } from '../../util/json.js';
import { optionalCount, sumCounts, tokenCount } from '../shared.js';

/**
 * Gemini's usageMetadata holds running totals. `promptTokenCount` includes cached content; thinking tokens are
 * billed as output but are not inside `candidatesTokenCount`; tool-use prompt tokens are billed as input.
 */
export function geminiUsage(u: Record<string, unknown>): Partial<TokenUsage> {
  const thoughts = optionalCount(u.thoughtsTokenCount);
  // Gemini leaves out counts that are zero (no candidates on a blocked prompt), so only a count that is present
  // and unreadable makes output unknown; the prompt count is always sent.
  const candidates = u.candidatesTokenCount === undefined ? 0 : tokenCount(u.candidatesTokenCount);
  const output = sumCounts(candidates, thoughts);
  return {
    inputTokens: sumCounts(tokenCount(u.promptTokenCount), optionalCount(u.toolUsePromptTokenCount)),
    cacheReadTokens: optionalCount(u.cachedContentTokenCount),
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: output,
    reasoningTokens: thoughts,
  };
}

/** Text characters and whether a finish reason was seen, from one response chunk's candidates. */
export function candidateText(candidates: unknown): { chars: number; finished: boolean } {
  let chars = 0;
  let finished = false;
  if (!Array.isArray(candidates)) return { chars, finished };
  for (const c of candidates) {
    if (!isObject(c)) continue;
    if (typeof c.finishReason === 'string') finished = true;
    const parts = isObject(c.content) && Array.isArray(c.content.parts) ? c.content.parts : [];
    for (const p of parts) if (isObject(p) && typeof p.text === 'string') chars += p.text.length;
  }
  return { chars, finished };
}
