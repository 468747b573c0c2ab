import { describe, expect, it } from 'vitest';
import type { RequestFlag, TokenUsage } from '../../../../src/main/contract/usage.js';
import type { Pricer } from '../../../../src/main/core/pricing/pricer.js';
import { emptyMetered } from '../../../../src/main/core/providers/shared.js';
import { MAX_PLAUSIBLE_TOKENS, priceUsage, settleUsage } from '../../../../src/main/core/proxy/outcome.js';

const call = { model: 'm', stream: false, maxOutputTokens: null, promptText: () => 'a prompt of some forty characters or so' };
const TARGET = { routeId: 'openai', pricingProviderId: 'openai', free: false };

/** $1 per million tokens of anything, with the given context window. */
function pricer(contextWindow: number | null): Pricer {
  return {
    quote: (_t, _m, u: TokenUsage, opts) => ({
      costUsd: opts.reportedCostUsd ?? (u.inputTokens + u.outputTokens) / 1e6,
      pricedModel: 'm',
      source: 'test',
      contextWindow,
    }),
  };
}

describe('settling and pricing usage', () => {
  it('readable complete usage is recorded exactly', () => {
    const flags: RequestFlag[] = [];
    const u = settleUsage({ ...emptyMetered(), usage: { inputTokens: 10, outputTokens: 20 }, complete: true }, call, false, flags);
    expect(u).toMatchObject({ inputTokens: 10, outputTokens: 20 });
    expect(flags).toEqual([]);
  });

  it('unreadable counts are estimated from the prompt and the text seen, and flagged', () => {
    const flags: RequestFlag[] = [];
    const u = settleUsage({ ...emptyMetered(), usage: { inputTokens: undefined, outputTokens: undefined }, complete: true, textChars: 400 }, call, false, flags);
    expect(u.inputTokens).toBeGreaterThan(0);
    expect(u.outputTokens).toBeGreaterThan(0);
    expect(flags).toEqual(['estimated']);
    // Even with nothing to estimate from, the record says its counts are not the upstream's.
    const none: RequestFlag[] = [];
    settleUsage({ ...emptyMetered(), usage: { inputTokens: 5, outputTokens: undefined }, complete: true }, { ...call, promptText: () => '' }, false, none);
    expect(none).toEqual(['estimated']);
  });

  it('counts beyond any plausible call are capped and flagged; beyond the context window, capped to it (never below 1M)', () => {
    const flags: RequestFlag[] = [];
    const u = settleUsage({ ...emptyMetered(), usage: { inputTokens: 1e12, outputTokens: 1e12 }, complete: true }, call, false, flags);
    expect(u.inputTokens).toBe(MAX_PLAUSIBLE_TOKENS);
    expect(flags).toEqual(['implausible-usage']);
    const q = priceUsage(pricer(128_000), TARGET, 'm', u, 0, null, flags);
    expect(u).toMatchObject({ inputTokens: 1_000_000, outputTokens: 1_000_000 });
    expect(q.costUsd).toBe(2);
    expect(flags).toEqual(['implausible-usage']);
    const big = { inputTokens: 3_000_000, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 10, reasoningTokens: 0 };
    const f2: RequestFlag[] = [];
    priceUsage(pricer(2_000_000), TARGET, 'm', big, 0, null, f2);
    expect(big.inputTokens).toBe(2_000_000);
    expect(f2).toEqual(['implausible-usage']);
  });

  it('a reported cost that came with capped counts is replaced by the price of the capped counts', () => {
    const flags: RequestFlag[] = [];
    const u = { inputTokens: 5_000_000, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0 };
    expect(priceUsage(pricer(100_000), TARGET, 'm', u, 0, 99_999, flags).costUsd).toBe(1);
    const fine = { ...u, inputTokens: 10 };
    expect(priceUsage(pricer(100_000), TARGET, 'm', fine, 0, 0.5, []).costUsd).toBe(0.5);
  });
});
