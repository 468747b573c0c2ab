/** Every token kind, then the cost: the same columns, in the same order, in both files. */
export const USAGE_COLUMNS = ['input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'output_tokens', 'reasoning_tokens', 'cost_usd'];

/**
 * Float sums carry noise like 0.30000000000000004. Ten decimals strip it and keep what matters: a cheap call costs
 * a few hundred-millionths of a dollar per token, and rows must still add up to the totals.
 */
export function roundUsd(v: number): number {
  return Math.round(v * 1e10) / 1e10;
}
