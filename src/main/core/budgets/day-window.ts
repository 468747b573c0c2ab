import { dayKey, resolveZone, zonedParts, zonedTimeToEpoch } from '../time/zoned.js';

export interface DayWindow {
  /** "2026-11-28" */
  key: string;
  start: number;
  /** The next local midnight: when daily guardrails reset. */
  end: number;
}

/**
 * The local day an instant falls in, for daily guardrails. The current day is cached until its end (or a change
 * of zone), so the hot path compares two numbers instead of asking Intl.
 */
export function createDayWindow(timezone: () => string): (ms: number) => DayWindow {
  let zone = '';
  let cur: DayWindow = { key: '', start: 0, end: -1 };
  return (ms) => {
    const z = resolveZone(timezone());
    if (z === zone && ms >= cur.start && ms < cur.end) return cur;
    const p = zonedParts(ms, z);
    zone = z;
    cur = { key: dayKey(p), start: zonedTimeToEpoch(z, p.year, p.month, p.day), end: zonedTimeToEpoch(z, p.year, p.month, p.day + 1) };
    return cur;
  };
}
