import type { TokenUsage } from '../../contract/usage.js';

/** The helpers for a request's token counts (TokenUsage), in one place so "zero" means one thing. */

/** A fresh usage with every count at zero. */
export function emptyUsage(): TokenUsage {
  return { inputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}

/**
 * No tokens at all. Input counts cache reads and writes and output counts reasoning (contract/usage.ts), so the
 * cache counts are checked too only to be safe with a provider report that breaks that rule.
 */
export function isZeroUsage(u: TokenUsage): boolean {
  return u.inputTokens === 0 && u.outputTokens === 0 && u.cacheReadTokens === 0 && u.cacheWrite5mTokens === 0 && u.cacheWrite1hTokens === 0;
}

/** Adds `u`'s counts into `into`. */
export function addUsage(into: TokenUsage, u: TokenUsage): TokenUsage {
  into.inputTokens += u.inputTokens;
  into.cacheReadTokens += u.cacheReadTokens;
  into.cacheWrite5mTokens += u.cacheWrite5mTokens;
  into.cacheWrite1hTokens += u.cacheWrite1hTokens;
  into.outputTokens += u.outputTokens;
  into.reasoningTokens += u.reasoningTokens;
  return into;
}

/** Input plus output: the tokens a token-limited budget counts. */
export function totalTokens(u: Pick<TokenUsage, 'inputTokens' | 'outputTokens'>): number {
  return u.inputTokens + u.outputTokens;
}
