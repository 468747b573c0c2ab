import type { TokenUsage } from '../../../contract/usage.js';
import { isObject } from '../../util/json.js';
import { optionalCount, sumCounts, tokenCount } from '../shared.js';

/**
 * Anthropic's `input_tokens` excludes cache reads and writes; total input is the sum of the three. Cache writes
 * split into 5-minute and 1-hour TTLs (priced 1.25× and 2× input); a write without the split is a 5-minute one,
 * the API's default TTL.
 */
export function anthropicUsage(u: Record<string, unknown>): Partial<TokenUsage> {
  const uncached = tokenCount(u.input_tokens);
  const read = optionalCount(u.cache_read_input_tokens);
  const written = optionalCount(u.cache_creation_input_tokens);
  let w1h = 0;
  let w5m = written;
  if (isObject(u.cache_creation)) {
    w1h = optionalCount(u.cache_creation.ephemeral_1h_input_tokens);
    const split5m = optionalCount(u.cache_creation.ephemeral_5m_input_tokens);
    // Trust the split, but never lose tokens the total reports beyond it.
    w5m = Math.max(split5m, written - w1h);
  }
  return {
    inputTokens: sumCounts(uncached, read, w5m, w1h),
    cacheReadTokens: read,
    cacheWrite5mTokens: w5m,
    cacheWrite1hTokens: w1h,
    outputTokens: tokenCount(u.output_tokens),
    reasoningTokens: 0,
  };
}
