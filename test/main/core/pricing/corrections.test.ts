import { describe, expect, it } from 'vitest';
import type { TokenUsage } from '../../../../src/main/contract/usage.js';
import { PRICE_CORRECTIONS } from '../../../../src/main/core/pricing/corrections.js';
import { createPriceDatabase, type PriceDatabase } from '../../../../src/main/core/pricing/price-database.js';
import { createPricer } from '../../../../src/main/core/pricing/pricer.js';

const usage = (u: Partial<TokenUsage>): TokenUsage => ({
  inputTokens: 0,
  cacheReadTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  ...u,
});
const at = Date.UTC(2026, 10, 1);
const anthropic = { routeId: 'anthropic', pricingProviderId: 'anthropic', free: false };

describe('price corrections', () => {
  const pricer = createPricer({ db: createPriceDatabase(), overrides: () => [] });

  it('every correction names its published source', () => {
    for (const c of PRICE_CORRECTIONS) expect(c.url).toMatch(/^https:\/\/docs\.anthropic\.com\//);
  });

  it('prices Claude Sonnet 4 above 200k input at $6 / $22.50, reads $0.60, 5m writes $7.50, 1h writes $12', () => {
    const u = usage({ inputTokens: 250_000, cacheReadTokens: 100_000, cacheWrite5mTokens: 20_000, cacheWrite1hTokens: 10_000, outputTokens: 2000 });
    for (const model of ['claude-sonnet-4-20250514', 'claude-sonnet-4-0']) {
      const q = pricer.quote(anthropic, model, u, { at });
      // 120k uncached × 6 + 100k × 0.6 + 20k × 7.5 + 10k × 12 + 2k × 22.5 = 0.72 + 0.06 + 0.15 + 0.12 + 0.045
      expect(q.costUsd).toBeCloseTo(1.095, 9);
      expect(q.source).toBe('correction: claude-sonnet-4-long-context');
    }
    expect(pricer.quote(anthropic, 'claude-sonnet-4-0', u, { at, batch: true }).costUsd).toBeCloseTo(1.095 / 2, 9);
  });

  it('leaves calls at or below 200k on the library base tier ($3 / $15)', () => {
    const q = pricer.quote(anthropic, 'claude-sonnet-4-20250514', usage({ inputTokens: 200_000, outputTokens: 1000 }), { at });
    expect(q.costUsd).toBeCloseTo(0.6 + 0.015, 9);
    expect(q.source).toMatch(/^genai-prices@/);
  });

  it('does not touch other models above 200k (Sonnet 4.5 stays with the library)', () => {
    const q = pricer.quote(anthropic, 'claude-sonnet-4-5', usage({ inputTokens: 300_000 }), { at });
    expect(q.source).toMatch(/^genai-prices@/);
  });

  it('becomes a no-op when the library gains the tier: its own quote is used', () => {
    // A fake database that already bills Sonnet 4 at $7 above 200k: the correction must step aside.
    const tiered: PriceDatabase = {
      source: 'fake@2',
      price: (_p, model, u) => {
        const input = u.input_tokens ?? 0;
        const rate = input > 200_000 ? 7 : 3;
        return { total: (input * rate + (u.output_tokens ?? 0) * 15) / 1e6, modelId: model, contextWindow: null };
      },
    };
    const p = createPricer({ db: tiered, overrides: () => [] });
    const q = p.quote(anthropic, 'claude-sonnet-4-0', usage({ inputTokens: 300_000 }), { at });
    expect(q.costUsd).toBeCloseTo(2.1, 9);
    expect(q.source).toBe('fake@2');
    // The same fake without a tier gets corrected.
    const flat: PriceDatabase = { source: 'fake@1', price: (_p, model, u) => ({ total: ((u.input_tokens ?? 0) * 3) / 1e6, modelId: model, contextWindow: null }) };
    expect(createPricer({ db: flat, overrides: () => [] }).quote(anthropic, 'claude-sonnet-4-0', usage({ inputTokens: 300_000 }), { at }).costUsd).toBeCloseTo(1.8, 9);
  });

  it('a user override still wins over a correction', () => {
    const p = createPricer({ db: createPriceDatabase(), overrides: () => [{ provider: 'anthropic', model: 'claude-sonnet-4-0', inputPerMTok: 1, outputPerMTok: 1 }] });
    expect(p.quote(anthropic, 'claude-sonnet-4-0', usage({ inputTokens: 300_000 }), { at }).costUsd).toBeCloseTo(0.3, 9);
  });
});
