import { describe, expect, it } from 'vitest';
import type { PriceLookupResult } from '../../../src/main/contract/api';
import { cacheSavings } from '../../../src/renderer/src/lib/cache-savings';

const price = (inputPerMTok: number | null, cacheReadPerMTok: number | null): PriceLookupResult => ({
  priced: inputPerMTok !== null,
  pricedModel: 'x',
  source: 'test',
  inputPerMTok,
  outputPerMTok: 15,
  cacheReadPerMTok,
  cacheWrite5mPerMTok: null,
  cacheWrite1hPerMTok: null,
});

describe('cache savings', () => {
  it('prices each cached token at the input price minus the cache-read price, per model', () => {
    const prices: Record<string, PriceLookupResult> = {
      'anthropic/claude-sonnet-4-5': price(3, 0.3),
      'openai/gpt-4o': price(2.5, 1.25),
      'custom/mystery': price(null, null),
    };
    const s = cacheSavings(
      [
        { provider: 'anthropic', model: 'claude-sonnet-4-5', cacheReadTokens: 3_000_000 },
        { provider: 'openai', model: 'gpt-4o', cacheReadTokens: 500_000 },
        { provider: 'custom', model: 'mystery', cacheReadTokens: 40_000 },
        { provider: 'openai', model: 'gpt-4o-mini', cacheReadTokens: 0 },
      ],
      (p, m) => prices[`${p}/${m}`],
    );
    // 3M × $2.70/M + 0.5M × $1.25/M = $8.10 + $0.625.
    expect(s.savedUsd).toBeCloseTo(8.725, 9);
    expect(s.cacheReadTokens).toBe(3_540_000);
    expect(s.unpricedTokens).toBe(40_000);
  });
});
