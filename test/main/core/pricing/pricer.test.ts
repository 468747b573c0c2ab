import { describe, expect, it } from 'vitest';
import type { TokenUsage } from '../../../../src/main/contract/usage.js';
import { createPriceDatabase } from '../../../../src/main/core/pricing/price-database.js';
import { createPricer, matchOverride } from '../../../../src/main/core/pricing/pricer.js';

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
const openai = { routeId: 'openai', pricingProviderId: 'openai', free: false };
const google = { routeId: 'gemini', pricingProviderId: 'google', free: false };

describe('pricer', () => {
  const db = createPriceDatabase();
  const pricer = createPricer({ db, overrides: () => [] });

  it('prices Anthropic cache reads, 5-minute and 1-hour writes separately (Sonnet 4.5: $3 in, $3.75/$6 writes, $0.30 reads, $15 out)', () => {
    const u = usage({ inputTokens: 10 + 1000 + 2000 + 5000, cacheReadTokens: 5000, cacheWrite5mTokens: 1000, cacheWrite1hTokens: 2000, outputTokens: 500 });
    const q = pricer.quote(anthropic, 'claude-sonnet-4-5', u, { at });
    expect(q.costUsd).toBeCloseTo((10 * 3 + 1000 * 3.75 + 2000 * 6 + 5000 * 0.3 + 500 * 15) / 1e6, 9);
    expect(q.pricedModel).toBe('claude-sonnet-4-5');
    expect(q.source).toMatch(/^genai-prices@\d+\.\d+\.\d+$/);
  });

  it('matches dated model ids to their price entry', () => {
    const q = pricer.quote(anthropic, 'claude-sonnet-4-5-20250929', usage({ inputTokens: 100_000 }), { at });
    expect(q.pricedModel).toBe('claude-sonnet-4-5');
    expect(q.costUsd).toBeCloseTo(0.3, 9);
  });

  it('prices OpenAI reasoning tokens as output (they are inside completion tokens) and cached input at the cached rate', () => {
    const u = usage({ inputTokens: 3207, cacheReadTokens: 3000, outputTokens: 120, reasoningTokens: 64 });
    const q = pricer.quote(openai, 'gpt-5', u, { at });
    expect(q.costUsd).toBeCloseTo((207 * 1.25 + 3000 * 0.125 + 120 * 10) / 1e6, 9);
  });

  it('applies the long-context tier above 200k prompt tokens (Gemini 2.5 Pro: $2.50 in, $0.25 cached, $15 out)', () => {
    const u = usage({ inputTokens: 250_000, cacheReadTokens: 100_000, outputTokens: 1500, reasoningTokens: 500 });
    const q = pricer.quote(google, 'gemini-2.5-pro', u, { at });
    expect(q.costUsd).toBeCloseTo((150_000 * 2.5 + 100_000 * 0.25 + 1500 * 15) / 1e6, 9);
    const small = pricer.quote(google, 'gemini-2.5-pro', usage({ inputTokens: 100_000, outputTokens: 1500 }), { at });
    expect(small.costUsd).toBeCloseTo((100_000 * 1.25 + 1500 * 10) / 1e6, 9);
  });

  it('never prices an unknown model at $0: it is unpriced', () => {
    const q = pricer.quote(openai, 'gpt-nonexistent-9000', usage({ inputTokens: 100, outputTokens: 10 }), { at });
    expect(q.costUsd).toBeNull();
    expect(q.source).toBeNull();
  });

  it('does not guess across providers: a provider with no pricing id is unpriced unless overridden', () => {
    const custom = { routeId: 'mine', pricingProviderId: null, free: false };
    expect(pricer.quote(custom, 'gpt-4o', usage({ inputTokens: 100 }), { at }).costUsd).toBeNull();
  });

  it('halves the price for batch calls', () => {
    const u = usage({ inputTokens: 1e6, outputTokens: 1e6 });
    const full = pricer.quote(openai, 'gpt-4o', u, { at }).costUsd!;
    const batch = pricer.quote(openai, 'gpt-4o', u, { at, batch: true });
    expect(full).toBeCloseTo(2.5 + 10, 9);
    expect(batch.costUsd).toBeCloseTo(full / 2, 9);
    expect(batch.source).toContain('batch');
  });

  it('prefers a user override, then an upstream-reported cost, then the database', () => {
    const overrides = [{ provider: 'openai', model: 'gpt-4o*', inputPerMTok: 1, outputPerMTok: 2, cacheReadPerMTok: 0.5 }];
    const p = createPricer({ db, overrides: () => overrides });
    const u = usage({ inputTokens: 1000, cacheReadTokens: 400, outputTokens: 100 });
    const o = p.quote(openai, 'gpt-4o-2024-08-06', u, { at, reportedCostUsd: 0.5 });
    expect(o.costUsd).toBeCloseTo((600 * 1 + 400 * 0.5 + 100 * 2) / 1e6, 12);
    expect(o.source).toBe('override');
    const r = pricer.quote(openai, 'gpt-4o', u, { at, reportedCostUsd: 0.0123 });
    expect(r.costUsd).toBe(0.0123);
    expect(r.source).toBe('reported by upstream');
  });

  it('prices local models at $0 on purpose, and says so', () => {
    const q = pricer.quote({ routeId: 'ollama', pricingProviderId: null, free: true }, 'llama3', usage({ inputTokens: 10, outputTokens: 5 }), { at });
    expect(q.costUsd).toBe(0);
    expect(q.source).toMatch(/free/);
  });

  it('matches overrides exactly first, then by the longest prefix', () => {
    const list = [
      { provider: '*', model: 'claude-*', inputPerMTok: 1, outputPerMTok: 1 },
      { provider: '*', model: 'claude-opus-*', inputPerMTok: 2, outputPerMTok: 2 },
      { provider: 'anthropic', model: 'claude-opus-4-1', inputPerMTok: 3, outputPerMTok: 3 },
    ];
    expect(matchOverride(list, 'anthropic', 'claude-opus-4-1')?.inputPerMTok).toBe(3);
    expect(matchOverride(list, 'anthropic', 'claude-opus-4-6')?.inputPerMTok).toBe(2);
    expect(matchOverride(list, 'x', 'claude-haiku')?.inputPerMTok).toBe(1);
    expect(matchOverride(list, 'x', 'gpt-4o')).toBeNull();
  });

  it('tolerates usage whose parts exceed the whole instead of dropping the price', () => {
    const q = pricer.quote(openai, 'gpt-4o-mini', usage({ inputTokens: 10, cacheReadTokens: 20, outputTokens: 1 }), { at });
    expect(q.costUsd).toBeCloseTo((20 * 0.075 + 1 * 0.6) / 1e6, 12);
  });
});
