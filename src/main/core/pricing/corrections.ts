import type { TokenUsage } from '../../contract/usage.js';
import type { PriceDatabase } from './price-database.js';

/** A price the library gets wrong or lacks, with where the right price is published. */
export interface PriceCorrection {
  id: string;
  provider: string;
  models: readonly string[];
  /** Applies when the prompt (uncached + cache reads + cache writes) is above this many tokens. */
  aboveInputTokens: number;
  /** Per million tokens. */
  rates: { input: number; cacheRead: number; cacheWrite5m: number; cacheWrite1h: number; output: number };
  note: string;
  url: string;
}

/** The corrections Tollgate carries over the price library. */
export const PRICE_CORRECTIONS: readonly PriceCorrection[] = [
  {
    id: 'claude-sonnet-4-long-context',
    provider: 'anthropic',
    models: ['claude-sonnet-4-20250514', 'claude-sonnet-4-0', 'claude-sonnet-4'],
    aboveInputTokens: 200_000,
    rates: { input: 6, cacheRead: 0.6, cacheWrite5m: 7.5, cacheWrite1h: 12, output: 22.5 },
    note: 'Claude Sonnet 4 above 200k input tokens: $6 / $22.50 per MTok (long-context tier)',
    url: 'https://docs.anthropic.com/en/docs/about-claude/pricing#long-context-pricing',
  },
];

export function correctionCost(c: PriceCorrection, u: TokenUsage): number {
  const r = c.rates;
  const uncached = Math.max(0, u.inputTokens - u.cacheReadTokens - u.cacheWrite5mTokens - u.cacheWrite1hTokens);
  const output = Math.max(u.outputTokens, u.reasoningTokens);
  return (uncached * r.input + u.cacheReadTokens * r.cacheRead + u.cacheWrite5mTokens * r.cacheWrite5m + u.cacheWrite1hTokens * r.cacheWrite1h + output * r.output) / 1e6;
}

export interface CorrectionMatcher {
  /** The correction that prices this call, or null: none matches, the call is below the tier, or the library has the tier itself. */
  match(provider: string, model: string, usage: TokenUsage, at: Date): PriceCorrection | null;
}

/**
 * A library version that gains the tier makes a correction a no-op: it is skipped when the library's own quote for a
 * call above the threshold is no longer the base rate times the tokens (checked once per correction and model).
 */
export function createCorrectionMatcher(db: PriceDatabase, corrections: readonly PriceCorrection[] = PRICE_CORRECTIONS): CorrectionMatcher {
  const libraryHasTier = new Map<string, boolean>();
  const hasTier = (c: PriceCorrection, model: string, at: Date): boolean => {
    const key = `${c.id}\u0000${model}`;
    let v = libraryHasTier.get(key);
    if (v === undefined) {
      const small = db.price(c.provider, model, { input_tokens: 1000, output_tokens: 0 }, at);
      const bigTokens = c.aboveInputTokens + 50_000;
      const big = db.price(c.provider, model, { input_tokens: bigTokens, output_tokens: 0 }, at);
      v = !small || !big ? true : Math.abs(big.total - (small.total * bigTokens) / 1000) > 1e-9 * Math.max(1, big.total);
      libraryHasTier.set(key, v);
    }
    return v;
  };
  return {
    match(provider, model, usage, at) {
      for (const c of corrections) {
        if (c.provider !== provider || !c.models.includes(model)) continue;
        if (usage.inputTokens <= c.aboveInputTokens) return null;
        return hasTier(c, model, at) ? null : c;
      }
      return null;
    },
  };
}
