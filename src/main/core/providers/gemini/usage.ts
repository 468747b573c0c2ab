import type { TokenUsage } from '../../../contract/usage.js';
import { isObject, num } from '../../util/json.js';

/**
 * Gemini's usageMetadata holds running totals. `promptTokenCount` includes cached content; thinking tokens are
 * billed as output but are not inside `candidatesTokenCount`; tool-use prompt tokens are billed as input.
 */
export function geminiUsage(u: Record<string, unknown>): Partial<TokenUsage> {
  const thoughts = num(u.thoughtsTokenCount);
  return {
    inputTokens: num(u.promptTokenCount) + num(u.toolUsePromptTokenCount),
    cacheReadTokens: num(u.cachedContentTokenCount),
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: num(u.candidatesTokenCount) + thoughts,
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
