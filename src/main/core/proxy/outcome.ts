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

/**
 * The usage to record. Reported usage wins; what a cut-short call never reported is estimated from the text
 * seen (output) and the prompt (input), and flagged, because a streamed call must never be recorded as free.
 */
export function settleUsage(m: MeteredUsage | null, call: CallInfo, upstreamError: boolean, flags: RequestFlag[]): TokenUsage {
  if (m?.usage && m.complete) return full(m.usage);
  if (upstreamError && !m?.usage) return emptyUsage();
  const seen = m?.usage ? full(m.usage) : null;
  const textOut = approxTokens(m?.textChars ?? 0);
  let estimated = false;
  let input = seen?.inputTokens ?? 0;
  if (!seen || seen.inputTokens === 0) {
    input = approxTokens(call.promptText());
    estimated = input > 0;
  }
  let output = seen?.outputTokens ?? 0;
  if (textOut > output) {
    output = textOut;
    estimated = true;
  }
  if (estimated) flags.push('estimated');
  return { ...(seen ?? emptyUsage()), inputTokens: input, outputTokens: output };
}

export function priceUsage(pricer: Pricer, target: PricingTarget, model: string, usage: TokenUsage, at: number, reportedCostUsd: number | null, flags: RequestFlag[]): PriceQuote {
  if (isZeroUsage(usage)) return { costUsd: 0, pricedModel: null, source: null, contextWindow: null };
  const q = pricer.quote(target, model, usage, { at, reportedCostUsd });
  if (q.costUsd === null) flags.push('unpriced');
  return q;
}

