import { resolveZone } from '../time/zoned.js';

/** Money in words people read at a glance: $41.20, $0.0042. */
export function usd(v: number): string {
  if (v >= 0.995 || v === 0) return `$${v.toFixed(2)}`;
  return `$${v.toPrecision(2)}`;
}

export function tokens(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(v >= 1e7 ? 0 : 1)}M tokens`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(v >= 1e4 ? 0 : 1)}k tokens`;
  return `${Math.round(v)} tokens`;
}

const fmts = new Map<string, Intl.DateTimeFormat>();

/** "2026-12-01 00:00 Europe/Berlin": resets are stated in the zone they happen in. */
export function when(ms: number, timezone: string): string {
  const tz = resolveZone(timezone);
  let f = fmts.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    fmts.set(tz, f);
  }
  return `${f.format(ms).replace(',', '')} ${tz}`;
}
