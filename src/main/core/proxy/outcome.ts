import type { RequestFlag, TokenUsage } from '../../contract/usage.js';
import type { Pricer, PricingTarget, PriceQuote } from '../pricing/pricer.js';
import type { CallInfo, MeteredUsage } from '../providers/types.js';
import { approxTokens } from '../tokens/estimate.js';
import { emptyUsage, isZeroUsage } from '../util/token-usage.js';

function full(u: Partial<TokenUsage>): TokenUsage {
  return {
    inputTokens: u.inputTokens ?? 0,
    cacheReadTokens: u.cacheReadTokens ?? 0,
    cacheWrite5mTokens: u.cacheWrite5mTokens ?? 0,
    cacheWrite1hTokens: u.cacheWrite1hTokens ?? 0,
    outputTokens: u.outputTokens ?? 0,
    reasoningTokens: u.reasoningTokens ?? 0,
  };
}

/** The cap on any one count when the model's context window is unknown: no call comes near it. */
export const MAX_PLAUSIBLE_TOKENS = 10_000_000;
/**
 * The lowest cap applied from a context window: price tables list a model's standard window, and long-context
 * options (Anthropic's 1M-token beta on 200k models) legitimately exceed it.
 */
const LONG_CONTEXT_FLOOR = 1_000_000;

/**
 * The usage to record. Reported usage wins; what a cut-short call never reported, or reported in a form that
 * cannot be read (a string, null, `usage: {}`), is estimated from the text seen (output) and the prompt
 * (input), and flagged, because a call must never be recorded as free for want of readable usage.
 */
export function settleUsage(m: MeteredUsage | null, call: CallInfo, upstreamError: boolean, flags: RequestFlag[]): TokenUsage {
  const reported = m?.usage ?? null;
  const unreadable = reported !== null && (reported.inputTokens === undefined || reported.outputTokens === undefined);
  if (reported && m!.complete && !unreadable) {
    const exact = full(reported);
    capUsage(exact, MAX_PLAUSIBLE_TOKENS, flags);
    return exact;
  }
  if (upstreamError && !reported) return emptyUsage();
  const seen = reported ? full(reported) : null;
  const textOut = approxTokens(m?.textChars ?? 0);
  let estimated = unreadable;
  let input = seen?.inputTokens ?? 0;
  if (!seen || seen.inputTokens === 0) {
    input = approxTokens(call.promptText());
    estimated ||= input > 0;
  }
  let output = seen?.outputTokens ?? 0;
  if (textOut > output) {
    output = textOut;
    estimated = true;
  }
  if (estimated) flags.push('estimated');
  const settled = { ...(seen ?? emptyUsage()), inputTokens: input, outputTokens: output };
  capUsage(settled, MAX_PLAUSIBLE_TOKENS, flags);
  return settled;
}

/** Every count of a TokenUsage; the usages capped here are built with exactly these (full, emptyUsage). */
const USAGE_KEYS: readonly (keyof TokenUsage)[] = ['inputTokens', 'cacheReadTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'outputTokens', 'reasoningTokens'];

/** Caps every count at `limit` (in place) and flags the call when one was over it; true if one was. */
function capUsage(u: TokenUsage, limit: number, flags: RequestFlag[]): boolean {
  let over = false;
  for (const k of USAGE_KEYS) {
    if (u[k] > limit) {
      u[k] = limit;
      over = true;
    }
  }
  if (over && !flags.includes('implausible-usage')) flags.push('implausible-usage');
  return over;
}

/**
 * Prices the usage. No call has more tokens than its model's context window allows: counts beyond it (a
 * faulty or hostile upstream reporting 1e20 tokens) are capped, in `usage` itself so the record and the price
 * agree, and the call is flagged.
 */
export function priceUsage(pricer: Pricer, target: PricingTarget, model: string, usage: TokenUsage, at: number, reportedCostUsd: number | null, flags: RequestFlag[]): PriceQuote {
  if (isZeroUsage(usage)) return { costUsd: 0, pricedModel: null, source: null, contextWindow: null };
  let q = pricer.quote(target, model, usage, { at, reportedCostUsd });
  if (q.contextWindow !== null) {
    // A reported cost came with the implausible counts: price the capped counts instead.
    if (capUsage(usage, Math.max(q.contextWindow, LONG_CONTEXT_FLOOR), flags)) q = pricer.quote(target, model, usage, { at, reportedCostUsd: null });
  }
  if (q.costUsd === null) flags.push('unpriced');
  return q;
}
