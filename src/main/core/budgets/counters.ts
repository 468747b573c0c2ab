import type { Budget } from '../../contract/budgets.js';
import { resolveZone, startOfZonedDay } from '../time/zoned.js';
import { periodAt, type PeriodWindow } from './periods.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

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
  /** How many calls in flight hold a reservation here: when the last one is given back, every sum is 0 again. */
  inFlight: number;
  /**
   * Of the reservations, what streams hold (they can be cut off), and what those streams have produced so far.
   * A stream is ended when spend, the holds of calls that cannot be cut, and the streams' running cost pass the
   * hard stop: streams compete for the room by what they really use, not by what they were expected to use.
   */
  streamHeldUsd: number;
  streamHeldTokens: number;
  streamLiveUsd: number;
  streamLiveTokens: number;
  /**
   * The live streams' latest steps added up: the most they may add before each is checked again. A stream is ended
   * when its next step would not fit beside everyone else's, so that the budget's books stay under the stop and
   * the provider's (which run a chunk ahead of what a proxy has seen) pass it by at most a chunk per stream.
   */
  streamStepUsd: number;
  /**
   * Rolling budgets, kept in memory only: the zone and bounds of the day `periodKey` names (NaN until known),
   * so a roll check is two comparisons instead of a calendar computation.
   */
  keyZone: string;
  keyStart: number;
  keyEnd: number;
  /** Rolling budgets: the sum of every hourly bucket but the last, and how many buckets it covers (-1: stale). */
  prefixUsd: number;
  prefixTokens: number;
  prefixCount: number;
  /**
   * Kept in memory only (alerts.ts): the lowest tier not yet fired in this period, and the fired list, its length
   * and the budget it was computed from (it holds while all three are the same), so a settle that crosses nothing
   * costs one comparison per budget.
   */
  nextTier: number;
  nextTierFired: string[] | null;
  nextTierCount: number;
  nextTierBudget: Budget | null;
}

type RuntimeField =
  | 'reservedUsd'
  | 'reservedTokens'
  | 'guardReservedUsd'
  | 'inFlight'
  | 'streamHeldUsd'
  | 'streamHeldTokens'
  | 'streamLiveUsd'
  | 'streamLiveTokens'
  | 'streamStepUsd'
  | 'keyZone'
  | 'keyStart'
  | 'keyEnd'
  | 'prefixUsd'
  | 'prefixTokens'
  | 'prefixCount'
  | 'nextTier'
  | 'nextTierFired'
  | 'nextTierCount'
  | 'nextTierBudget';

export type StoredCounter = Omit<Counter, RuntimeField>;

const RUNTIME: Pick<Counter, RuntimeField> = {
  reservedUsd: 0,
  reservedTokens: 0,
  guardReservedUsd: 0,
  inFlight: 0,
  streamHeldUsd: 0,
  streamHeldTokens: 0,
  streamLiveUsd: 0,
  streamLiveTokens: 0,
  streamStepUsd: 0,
  keyZone: '',
  keyStart: NaN,
  keyEnd: NaN,
  prefixUsd: 0,
  prefixTokens: 0,
  prefixCount: -1,
  nextTier: Infinity,
  nextTierFired: null,
  nextTierCount: 0,
  nextTierBudget: null,
};

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
    ...RUNTIME,
  };
}

export function fromStored(s: StoredCounter): Counter {
  return { ...s, ...RUNTIME };
}

export function toStored(c: Counter): StoredCounter {
  const { reservedUsd: _r, reservedTokens: _t, guardReservedUsd: _g, inFlight: _f, streamHeldUsd: _hu, streamHeldTokens: _ht, streamLiveUsd: _lu, streamLiveTokens: _lt, streamStepUsd: _su, keyZone: _z, keyStart: _s, keyEnd: _e, prefixUsd: _pu, prefixTokens: _pt, prefixCount: _pc, nextTier: _nt, nextTierFired: _nf, nextTierCount: _nc, nextTierBudget: _nb, ...rest } = c;
  return rest;
}

/**
 * Moves a counter into the period `now` falls in. Spend and fired tiers start over; reservations carry over,
 * because the requests holding them are still in flight.
 */
export function rollTo(c: Counter, budget: Budget, now: number, timezone: string): boolean {
  if (budget.period.kind === 'rolling') return rollWindow(c, budget.period.days, now, timezone);
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

/**
 * A rolling window drops the hours that slid out and sums the rest. The sum is the running total of every
 * bucket but the last plus the last, which is the same left-to-right sum a fresh loop gives, so figures do not
 * drift; the prefix is recomputed only when a bucket is added or drops out (at most hourly). The day key
 * (alerts re-arm daily) is recomputed only once `now` leaves the cached day or the zone changes.
 */
function rollWindow(c: Counter, days: number, now: number, timezone: string): boolean {
  const cutoff = now - days * DAY;
  let dropped = false;
  while (c.hourly.length && c.hourly[0]![0] + HOUR <= cutoff) {
    c.hourly.shift();
    dropped = true;
  }
  const n = c.hourly.length;
  if (dropped || c.prefixCount !== n - 1) {
    let usd = 0;
    let tok = 0;
    for (let i = 0; i < n - 1; i++) {
      usd += c.hourly[i]![1];
      tok += c.hourly[i]![2];
    }
    c.prefixUsd = usd;
    c.prefixTokens = tok;
    c.prefixCount = n - 1;
  }
  const last = c.hourly[n - 1];
  c.spentUsd = last ? c.prefixUsd + last[1] : c.prefixUsd;
  c.spentTokens = last ? c.prefixTokens + last[2] : c.prefixTokens;
  c.periodStart = now - days * DAY;
  const zone = resolveZone(timezone);
  if (zone === c.keyZone && now >= c.keyStart && now < c.keyEnd) return false;
  const w = periodAt({ kind: 'rolling', days }, now, zone);
  c.keyZone = zone;
  c.keyStart = startOfZonedDay(now, zone);
  c.keyEnd = w.end ?? NaN;
  if (c.periodKey === w.key) return false;
  c.periodKey = w.key;
  c.periodEnd = w.end;
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
