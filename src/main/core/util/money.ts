const dollars = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const wholeDollars = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Spend as people read it: "$41.20", "$1,204.00"; a non-zero amount under a cent shows as "<$0.01", never "$0.00". */
export function formatUsd(v: number): string {
  if (v > 0 && v < 0.005) return '<$0.01';
  if (v < 0) return '-' + formatUsd(-v);
  return '$' + dollars.format(v);
}

/** Limits are usually round: "$60" rather than "$60.00", but "$72.50" keeps its cents. */
export function formatLimitUsd(v: number): string {
  return Number.isInteger(v) ? '$' + wholeDollars.format(v) : formatUsd(v);
}

/** Token counts: "950", "1.2K", "3.4M". */
export function formatTokens(v: number): string {
  return v < 1000 ? String(Math.round(v)) : compact.format(v);
}

/**
 * A percentage for a label. Rounded, except that it never reads 100% before the limit is reached: "100%" must
 * mean the line was crossed.
 */
export function formatPercent(p: number): string {
  const r = Math.round(p);
  return `${p < 100 && r >= 100 ? 99 : r}%`;
}
