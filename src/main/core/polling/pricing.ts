import type { TokenUsage } from '../../contract/usage.js';
import type { Pricer } from '../pricing/pricer.js';
import { isZeroUsage } from '../util/token-usage.js';
import type { UsageBucket, UsageSource } from './types.js';

export interface BucketPrice {
  costUsd: number | null;
  pricedModel: string | null;
  source: string | null;
}

/** Input tokens of one representative call, when the provider does not count calls. */
const TYPICAL_CALL_INPUT = 50_000;
const LONG_CALL_INPUT = 400_000;

function scale(u: TokenUsage, f: number): TokenUsage {
  return {
    inputTokens: u.inputTokens * f,
    cacheReadTokens: u.cacheReadTokens * f,
    cacheWrite5mTokens: u.cacheWrite5mTokens * f,
    cacheWrite1hTokens: u.cacheWrite1hTokens * f,
    outputTokens: u.outputTokens * f,
    reasoningTokens: u.reasoningTokens * f,
  };
}

/**
 * Prices a bucket of many calls. Prices are per call and some models charge more above a context threshold
 * (200k, 272k input tokens), so pricing an hour's sum as one call would bill it all at the long-context rate.
 * Instead one representative call is priced and multiplied: the average call when the provider counts calls,
 * else a call on the right side of the threshold as the provider's context_window says (short when unknown).
 */
export function priceBucket(pricer: Pricer, source: UsageSource, b: UsageBucket): BucketPrice {
  if (b.costUsd !== null) return { costUsd: b.costUsd, pricedModel: b.model, source: `reported by ${source.name}` };
  if (isZeroUsage(b.usage)) return { costUsd: 0, pricedModel: b.model, source: null };
  if (!source.pricing || !b.model) return { costUsd: null, pricedModel: null, source: null };
  const perCallInput = b.longContext ? LONG_CALL_INPUT : TYPICAL_CALL_INPUT;
  const calls = b.requests && b.requests > 0 ? b.requests : Math.max(1, b.usage.inputTokens / perCallInput);
  const q = pricer.quote({ ...source.pricing, free: false }, b.model, scale(b.usage, 1 / calls), { at: b.start, batch: b.batch });
  return { costUsd: q.costUsd === null ? null : q.costUsd * calls, pricedModel: q.pricedModel, source: q.source };
}
