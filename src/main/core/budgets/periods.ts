import type { BudgetPeriod } from '../../contract/budgets.js';
import { dayKey, resolveZone, zonedParts, zonedTimeToEpoch } from '../time/zoned.js';

export interface PeriodWindow {
  /** Identifies the period: thresholds fire once per key. */
  key: string;
  start: number;
  /** When it resets; null for totals. Rolling windows slide: `end` is when the current day's alerts re-arm. */
  end: number | null;
}

const DAY_MS = 86_400_000;

/**
 * The period an instant falls in, in the zone, computed from the clock on every call (callers cache until
 * `end`), so a reset can never come late: there is no job to run late.
 */
export function periodAt(p: BudgetPeriod, ms: number, timezone: string): PeriodWindow {
  // A total never resets, so its counter has no `end` to cache against and asks on every roll check: answered
  // before the zone lookup, which costs an Intl format (microseconds) per call.
  if (p.kind === 'total') return TOTAL;
  const tz = resolveZone(timezone);
  const z = zonedParts(ms, tz);
  switch (p.kind) {
    case 'day': {
      const start = zonedTimeToEpoch(tz, z.year, z.month, z.day);
      return { key: `d:${dayKey(z)}`, start, end: zonedTimeToEpoch(tz, z.year, z.month, z.day + 1) };
    }
    case 'week': {
      const startsOn = p.weekStartsOn ?? 1;
      const back = (z.weekday - startsOn + 7) % 7;
      const start = zonedTimeToEpoch(tz, z.year, z.month, z.day - back);
      const sp = zonedParts(start, tz);
      return { key: `w:${dayKey(sp)}`, start, end: zonedTimeToEpoch(tz, sp.year, sp.month, sp.day + 7) };
    }
    case 'month': {
      const bd = p.billingDay ?? 1;
      const m0 = z.day >= bd ? z.month : z.month - 1;
      const start = zonedTimeToEpoch(tz, z.year, m0, bd);
      const sp = zonedParts(start, tz);
      return { key: `m:${dayKey(sp)}`, start, end: zonedTimeToEpoch(tz, sp.year, sp.month + 1, bd) };
    }
    case 'rolling': {
      // The window slides continuously; thresholds re-arm daily so a rolling budget can alert again tomorrow.
      const today = zonedTimeToEpoch(tz, z.year, z.month, z.day);
      return { key: `r:${dayKey(z)}`, start: ms - (p.days ?? 1) * DAY_MS, end: zonedTimeToEpoch(tz, z.year, z.month, z.day + 1) || today + DAY_MS };
    }
  }
}

const TOTAL: PeriodWindow = Object.freeze({ key: 'total', start: 0, end: null });

export function describePeriod(p: BudgetPeriod): string {
  switch (p.kind) {
    case 'day':
      return 'today';
    case 'week':
      return 'this week';
    case 'month':
      return 'this month';
    case 'rolling':
      return `in the last ${p.days} days`;
    case 'total':
      return 'in total';
  }
}
