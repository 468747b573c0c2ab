/** What prompt caching saved: tokens read from cache, each billed at the cache-read price instead of the input price. */
import type { PriceLookupResult } from '../../../main/contract/api';

export interface CacheSavings {
  savedUsd: number;
  cacheReadTokens: number;
  /** Cache reads of models with no input or cache-read price: counted in tokens, not in dollars. */
  unpricedTokens: number;
}

/**
 * Per provider × model: cacheReadTokens × (input price − cache-read price). Prices are the base tier's (what
 * prices.lookup returns), so models with long-context tiers are counted at their lower rates: an underestimate.
 */
export function cacheSavings(
  rows: ReadonlyArray<{ provider?: string; model?: string; cacheReadTokens: number }>,
  priceOf: (provider: string, model: string) => PriceLookupResult | undefined,
): CacheSavings {
  const out: CacheSavings = { savedUsd: 0, cacheReadTokens: 0, unpricedTokens: 0 };
  for (const r of rows) {
    if (r.cacheReadTokens <= 0) continue;
    out.cacheReadTokens += r.cacheReadTokens;
    const p = r.provider && r.model ? priceOf(r.provider, r.model) : undefined;
    if (!p?.priced || p.inputPerMTok === null || p.cacheReadPerMTok === null) {
      out.unpricedTokens += r.cacheReadTokens;
      continue;
    }
    out.savedUsd += (r.cacheReadTokens * Math.max(0, p.inputPerMTok - p.cacheReadPerMTok)) / 1e6;
  }
  return out;
}
