/**
 * What the forecast may honestly claim. With a few whole days of history it projects their daily average; with
 * less, all it has is the rate since first use (two hours of a busy afternoon scaled to a month), so it says so
 * and marks the figure as low confidence rather than presenting it like the other.
 */
import type { BudgetStatus } from '../main/contract/budgets.js';
import { addDays, daysBetween } from './days.js';

/** How many days back the run rate looks, at most. */
export const RATE_DAYS = 7;
/** Whole days of history (before today) needed before the forecast uses whole days. */
export const FORECAST_MIN_DAYS = 3;

export type ForecastBasis =
  /** The average of the last `days` whole days: `from` to yesterday. `firstDay` is the first day with spend. */
  | { kind: 'days'; days: number; from: string; firstDay: string }
  /** Too little history: spend from the first day's start to now, over `elapsedDays` (a fraction when under a day). */
  | { kind: 'since-first-use'; firstDay: string; elapsedDays: number }
  | { kind: 'none' };

type Costs = ReadonlyMap<string, ReadonlyMap<string, { costUsd: number; requests: number }>>;

/** Today's elapsed fraction, at least an hour: a forecast made at 00:05 must not divide by five minutes. */
export const elapsedOfToday = (todayElapsed: number) => Math.min(1, Math.max(todayElapsed, 1 / 24));

export function forecastBasis(t: Costs, w: { today: string; todayElapsed: number }): ForecastBasis {
  let first: string | null = null;
  for (const [day, ids] of t) {
    if (day > w.today || (first !== null && day >= first)) continue;
    for (const c of ids.values())
      if (c.requests > 0 || c.costUsd > 0) {
        first = day;
        break;
      }
  }
  if (first === null) return { kind: 'none' };
  const whole = daysBetween(first, w.today) - 1;
  if (whole >= FORECAST_MIN_DAYS) {
    const days = Math.min(RATE_DAYS, whole);
    return { kind: 'days', days, from: addDays(w.today, -days), firstDay: first };
  }
  return { kind: 'since-first-use', firstDay: first, elapsedDays: whole + elapsedOfToday(w.todayElapsed) };
}

/** Whether a day's spend counts towards the rate, and what the spend is divided by. */
export function rateWindow(b: ForecastBasis, today: string): { includes: (day: string) => boolean; days: number } {
  if (b.kind === 'days') return { includes: (d) => d >= b.from && d < today, days: b.days };
  if (b.kind === 'since-first-use') return { includes: (d) => d >= b.firstDay && d <= today, days: b.elapsedDays };
  return { includes: () => false, days: 0 };
}

/** Days left in the period from now: the rest of today and every day after it. */
export function daysLeft(w: { today: string; periodTo: string; todayElapsed: number }): number {
  return Math.max(0, daysBetween(w.today, w.periodTo) - elapsedOfToday(w.todayElapsed));
}

/** The words under the forecast figure, and whether it deserves a low-confidence mark. */
export function forecastWords(b: ForecastBasis, periodEnd: string, formatDay: (day: string) => string): { text: string; lowConfidence: boolean } {
  const by = `by ${formatDay(periodEnd)}`;
  if (b.kind === 'days') return { text: `${by}, at the last ${b.days} whole days' average`, lowConfidence: false };
  if (b.kind === 'since-first-use') {
    return {
      text: `${by}, at the rate since first use (${formatDay(b.firstDay)}): under ${FORECAST_MIN_DAYS} whole days of data`,
      lowConfidence: true,
    };
  }
  return { text: `${by}: no spend yet to go on`, lowConfidence: false };
}

/**
 * When a budget reaches its limit at the rate it has been spending: the period's spend over the time since the
 * period began, or since first use when that is later (a budget created mid-month has not spent since the 1st).
 * null when it is already at its limit, has no limit, or spends nothing; `at` is null when the period ends first.
 */
export function budgetReach(s: BudgetStatus, now: number, firstUseAt: number | null): { limit: number; unit: 'usd' | 'tokens'; at: number | null } | null {
  const usd = s.effectiveLimitUsd;
  const tokens = s.effectiveLimitTokens;
  const [limit, spent, unit] = usd !== null ? [usd, s.spentUsd, 'usd' as const] : tokens !== null ? [tokens, s.spentTokens, 'tokens' as const] : [null, 0, 'usd' as const];
  if (limit === null || spent <= 0 || spent >= limit) return null;
  const since = Math.max(s.periodStart, firstUseAt ?? s.periodStart);
  const elapsed = Math.max(now - since, 3_600_000);
  const at = now + ((limit - spent) / spent) * elapsed;
  return { limit, unit, at: s.resetsAt !== null && at >= s.resetsAt ? null : at };
}

/** When the first day with spend began, near enough (to the minute, DST aside): the start of "since first use". */
export function firstUseAt(b: ForecastBasis, w: { today: string; todayElapsed: number }, now: number): number | null {
  if (b.kind === 'none') return null;
  return now - (daysBetween(b.firstDay, w.today) - 1 + w.todayElapsed) * 86_400_000;
}

/** The first day a forecast's spend window must include: the period start or a rate window back, whichever is earlier. */
export function forecastWindowStart(w: { today: string; periodFrom: string }): string {
  const back = addDays(w.today, -RATE_DAYS);
  return back < w.periodFrom ? back : w.periodFrom;
}

/**
 * The period's spend so far plus the run rate times the time left: the Overview's forecast figure, computed from
 * daily totals, so the tray can lead with the same number without the renderer's tables.
 */
export function periodForecast(
  daily: ReadonlyMap<string, { costUsd: number; requests: number }>,
  w: { today: string; periodFrom: string; periodTo: string; todayElapsed: number },
): { usd: number; basis: ForecastBasis } {
  const table = new Map([...daily].map(([day, c]) => [day, new Map([['all', c]])]));
  const basis = forecastBasis(table, w);
  const rate = rateWindow(basis, w.today);
  let period = 0;
  let recent = 0;
  for (const [day, c] of daily) {
    if (day > w.today) continue;
    if (day >= w.periodFrom && day <= w.periodTo) period += c.costUsd;
    if (rate.includes(day)) recent += c.costUsd;
  }
  const perDay = rate.days > 0 ? recent / rate.days : 0;
  return { usd: period + perDay * daysLeft(w), basis };
}
