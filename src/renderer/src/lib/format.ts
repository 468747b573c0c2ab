/**
 * Numbers as people read them. One locale (en-US) throughout: amounts are US dollars, and mixed separators in one
 * table would be worse than a foreign one.
 */
const usd2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usd4 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
const usdCompact = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });
const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export const DASH = '—';

/**
 * Dollars. Totals in cents; with `precise`, sums under a dollar keep up to four decimals (a single call often costs
 * a fraction of a cent, and "$0.00" would hide it). null means unpriced and reads as a dash.
 */
export function formatUsd(v: number | null | undefined, opts: { precise?: boolean } = {}): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  if (v === 0) return usd2.format(0);
  if (opts.precise && Math.abs(v) < 1) {
    if (Math.abs(v) < 0.0001) return v > 0 ? '<$0.0001' : '>-$0.0001';
    return usd4.format(v);
  }
  if (!opts.precise && Math.abs(v) < 0.005) return v > 0 ? '<$0.01' : '>-$0.01';
  return usd2.format(v);
}

/** Chart axes: "$0.004", "$2.5", "$40", "$1.2K": as few digits as tell the ticks apart. */
export function formatUsdAxis(v: number): string {
  const abs = Math.abs(v);
  if (abs === 0) return '$0';
  if (abs >= 1000) return usdCompact.format(v);
  const digits = abs >= 10 ? 0 : abs >= 1 ? 1 : abs >= 0.1 ? 2 : abs >= 0.01 ? 3 : 4;
  const text = `$${abs.toFixed(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')}`;
  return v < 0 ? `-${text}` : text;
}

/** Token counts: exact up to 100,000, then "1.2M". */
export function formatTokens(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return Math.abs(n) < 100_000 ? int.format(n) : compact.format(n);
}

/** Two token counts shown together ("in / out") in one format: "4M / 98K", never "4M / 97,756". */
export function formatTokenPair(a: number, b: number): string {
  if (Math.max(Math.abs(a), Math.abs(b)) < 100_000) return `${int.format(a)} / ${int.format(b)}`;
  return `${compact.format(a)} / ${compact.format(b)}`;
}

export function formatCount(n: number): string {
  return int.format(n);
}

/** Percent: one decimal below 10%, whole numbers above. */
export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return DASH;
  const abs = Math.abs(p);
  if (abs > 0 && abs < 10) return `${(Math.round(p * 10) / 10).toFixed(1)}%`;
  return `${Math.round(p)}%`;
}

/** Latency: "850 ms", "1.2 s", "2 min 5 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m} min ${s} s` : `${m} min`;
}

/** A span in words, coarse: "3 d 4 h", "2 h 10 min", "45 min", "30 s". */
export function formatSpan(ms: number): string {
  const abs = Math.max(0, ms);
  const d = Math.floor(abs / 86_400_000);
  const h = Math.floor((abs % 86_400_000) / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  if (d > 0) return h ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return `${m} min`;
  return `${Math.max(1, Math.round(abs / 1000))} s`;
}

/** "in 3 d 4 h" / "5 min ago". */
export function formatRelative(ts: number, now: number): string {
  const diff = ts - now;
  return diff >= 0 ? `in ${formatSpan(diff)}` : `${formatSpan(-diff)} ago`;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string | undefined, kind: 'time' | 'datetime' | 'date'): Intl.DateTimeFormat {
  const key = `${tz ?? ''}|${kind}`;
  let f = timeFormats.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      kind === 'time'
        ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }
        : kind === 'date'
          ? { month: 'short', day: 'numeric' }
          : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    f = new Intl.DateTimeFormat('en-US', { ...opts, timeZone: tz });
    timeFormats.set(key, f);
  }
  return f;
}

/** Clock time in the core's zone: "14:03:12". */
export function formatTime(ts: number, tz?: string): string {
  return fmt(tz, 'time').format(ts);
}

/** "Dec 1, 00:00". */
export function formatDateTime(ts: number, tz?: string): string {
  return fmt(tz, 'datetime').format(ts);
}

/** A day key ("2026-12-01") as "Dec 1". */
export function formatDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return fmt('UTC', 'date').format(Date.UTC(y!, m! - 1, d!));
}

/** When a budget starts over: "resets in 3 d 4 h (Dec 1, 00:00)", or "never resets". */
export function formatReset(resetsAt: number | null, now: number, tz?: string): string {
  if (resetsAt === null) return 'never resets';
  return `resets ${formatRelative(resetsAt, now)} (${formatDateTime(resetsAt, tz)})`;
}
