import type { PriceOverride } from '../../contract/settings.js';
import type { TokenUsage } from '../../contract/usage.js';
import { correctionCost, createCorrectionMatcher, type PriceCorrection } from './corrections.js';
import type { PriceDatabase } from './price-database.js';

export interface PricingTarget {
  /** Route id, for overrides. */
  routeId: string;
  /** genai-prices provider id, or null when only overrides price this provider. */
  pricingProviderId: string | null;
  free: boolean;
}

export interface PriceQuote {
  costUsd: number | null;
  pricedModel: string | null;
  source: string | null;
  contextWindow: number | null;
}

export interface QuoteOptions {
  at: number;
  /** Batch API calls are billed at half price by OpenAI, Anthropic and Google; the database has no batch prices. */
  batch?: boolean;
  /** A cost the upstream reported itself (OpenRouter). */
  reportedCostUsd?: number | null;
}

export interface Pricer {
  quote(target: PricingTarget, model: string, usage: TokenUsage, opts: QuoteOptions): PriceQuote;
}

const UNPRICED: PriceQuote = { costUsd: null, pricedModel: null, source: null, contextWindow: null };
export const BATCH_DISCOUNT = 0.5;

export function matchOverride(overrides: readonly PriceOverride[], routeId: string, model: string): PriceOverride | null {
  let best: PriceOverride | null = null;
  let bestLen = -1;
  for (const o of overrides) {
    if (o.provider !== '*' && o.provider !== routeId) continue;
    if (o.model === model) return o;
    if (o.model.endsWith('*') && model.startsWith(o.model.slice(0, -1)) && o.model.length > bestLen) {
      best = o;
      bestLen = o.model.length;
    }
  }
  return best;
}

export function overrideCost(o: PriceOverride, u: TokenUsage): number {
  const uncached = Math.max(0, u.inputTokens - u.cacheReadTokens - u.cacheWrite5mTokens - u.cacheWrite1hTokens);
  return (
    (uncached * o.inputPerMTok +
      u.cacheReadTokens * (o.cacheReadPerMTok ?? o.inputPerMTok) +
      u.cacheWrite5mTokens * (o.cacheWrite5mPerMTok ?? o.inputPerMTok) +
      u.cacheWrite1hTokens * (o.cacheWrite1hPerMTok ?? o.inputPerMTok) +
      u.outputTokens * o.outputPerMTok) /
    1e6
  );
}

/**
 * genai-prices counts all input in `input_tokens`, with reads and writes beside it; cache_write_tokens is the
 * total of both TTLs and cache_write_1h_tokens the part priced at the 1-hour rate.
 */
export function toDatabaseUsage(u: TokenUsage): Record<string, number> {
  const writes = u.cacheWrite5mTokens + u.cacheWrite1hTokens;
  const out: Record<string, number> = {
    // Never let parts exceed the whole: the database rejects such usage, and a provider's rounding can cause it.
    input_tokens: Math.max(u.inputTokens, u.cacheReadTokens + writes),
    output_tokens: Math.max(u.outputTokens, u.reasoningTokens),
  };
  if (u.cacheReadTokens) out.cache_read_tokens = u.cacheReadTokens;
  if (writes) out.cache_write_tokens = writes;
  if (u.cacheWrite1hTokens) out.cache_write_1h_tokens = u.cacheWrite1hTokens;
  if (u.reasoningTokens) out.output_reasoning_tokens = u.reasoningTokens;
  return out;
}

/** Prices a call: user overrides first, then a cost the upstream reported, then Tollgate's corrections, then the price database. */
export function createPricer(deps: {
  db: PriceDatabase;
  overrides: () => readonly PriceOverride[];
  onError?: (err: unknown) => void;
  corrections?: readonly PriceCorrection[];
}): Pricer {
  const corrections = createCorrectionMatcher(deps.db, deps.corrections);
  return {
    quote(target, model, usage, opts) {
      const discount = opts.batch ? BATCH_DISCOUNT : 1;
      const suffix = opts.batch ? ' (batch, 50% off)' : '';
      const o = matchOverride(deps.overrides(), target.routeId, model);
      if (o) return { costUsd: overrideCost(o, usage) * discount, pricedModel: o.model, source: 'override' + suffix, contextWindow: null };
      if (typeof opts.reportedCostUsd === 'number') {
        return { costUsd: opts.reportedCostUsd, pricedModel: model, source: 'reported by upstream', contextWindow: null };
      }
      if (target.free) return { costUsd: 0, pricedModel: model, source: 'free (local model)', contextWindow: null };
      if (!target.pricingProviderId) return UNPRICED;
      try {
        const c = corrections.match(target.pricingProviderId, model, usage, new Date(opts.at));
        if (c) return { costUsd: correctionCost(c, usage) * discount, pricedModel: model, source: `correction: ${c.id}${suffix}`, contextWindow: null };
        const r = deps.db.price(target.pricingProviderId, model, toDatabaseUsage(usage), new Date(opts.at));
        if (!r) return UNPRICED;
        return { costUsd: r.total * discount, pricedModel: r.modelId, source: deps.db.source + suffix, contextWindow: r.contextWindow };
      } catch (err) {
        deps.onError?.(err);
        return UNPRICED;
      }
    },
  };
}
