import type { Budget } from '../../contract/budgets.js';
import { periodAt, type PeriodWindow } from './periods.js';

const HOUR = 3_600_000;

/**
 * Spend of one budget (or one run of a run budget) in its current period. Reservations are what in-flight
 * requests hold; they are never persisted, so nothing reserved before a crash blocks anyone after a restart.
 */
export interface Counter {
  budgetId: string;
  run: string | null;
  periodKey: string;
  periodStart: number;
  periodEnd: number | null;
  spentUsd: number;
  spentTokens: number;
  unpriced: number;
  iterations: number;
  /** Tiers already alerted this period (the hard stop is stored as its percent, prefixed "stop:"). */
  fired: string[];
  /** Rolling budgets: spend per hour, oldest first, [hourStart, usd, tokens]. */
  hourly: [number, number, number][];
  /** Daily guardrail of monthly budgets. */
  guardDay: string;
  guardSpentUsd: number;
  lastActivity: number;
  reservedUsd: number;
  reservedTokens: number;
  guardReservedUsd: number;
}

export type StoredCounter = Omit<Counter, 'reservedUsd' | 'reservedTokens' | 'guardReservedUsd'>;

export function counterKey(budgetId: string, run: string | null): string {
  return run === null ? budgetId : `${budgetId}#${run}`;
}

export function newCounter(budgetId: string, run: string | null, w: PeriodWindow, now: number): Counter {
  return {
    budgetId,
    run,
    periodKey: w.key,
    periodStart: w.start,
    periodEnd: w.end,
    spentUsd: 0,
    spentTokens: 0,
    unpriced: 0,
    iterations: 0,
    fired: [],
    hourly: [],
    guardDay: '',
    guardSpentUsd: 0,
    lastActivity: now,
    reservedUsd: 0,
    reservedTokens: 0,
    guardReservedUsd: 0,
  };
}

export function fromStored(s: StoredCounter): Counter {
  return { ...s, reservedUsd: 0, reservedTokens: 0, guardReservedUsd: 0 };
}

export function toStored(c: Counter): StoredCounter {
  const { reservedUsd: _r, reservedTokens: _t, guardReservedUsd: _g, ...rest } = c;
  return rest;
}

/**
 * Moves a counter into the period `now` falls in. Spend and fired tiers start over; reservations carry over,
 * because the requests holding them are still in flight.
 */
export function rollTo(c: Counter, budget: Budget, now: number, timezone: string): boolean {
  if (budget.period.kind === 'rolling') {
    const w = periodAt(budget.period, now, timezone);
    const cutoff = now - (budget.period.days ?? 1) * 86_400_000;
    while (c.hourly.length && c.hourly[0]![0] + HOUR <= cutoff) c.hourly.shift();
    let usd = 0;
    let tok = 0;
    for (const [, u, t] of c.hourly) {
      usd += u;
      tok += t;
    }
    c.spentUsd = usd;
    c.spentTokens = tok;
    c.periodStart = w.start;
    if (c.periodKey !== w.key) {
      c.periodKey = w.key;
      c.periodEnd = w.end;
      c.fired = [];
      return true;
    }
    return false;
  }
  if (c.periodEnd !== null && now < c.periodEnd && now >= c.periodStart) return false;
  const w = periodAt(budget.period, now, timezone);
  if (w.key === c.periodKey) {
    c.periodEnd = w.end;
    return false;
  }
  c.periodKey = w.key;
  c.periodStart = w.start;
  c.periodEnd = w.end;
  c.spentUsd = 0;
  c.spentTokens = 0;
  c.unpriced = 0;
  c.iterations = 0;
  c.fired = [];
  return true;
}

export function addSpend(c: Counter, budget: Budget, usd: number, tokensUsed: number, now: number): void {
  c.spentUsd += usd;
  c.spentTokens += tokensUsed;
  c.lastActivity = now;
  if (budget.period.kind === 'rolling') {
    const hour = Math.floor(now / HOUR) * HOUR;
    const last = c.hourly.at(-1);
    if (last && last[0] === hour) {
      last[1] += usd;
      last[2] += tokensUsed;
    } else c.hourly.push([hour, usd, tokensUsed]);
  }
}
