import type { Budget, BudgetOverride } from '../../contract/budgets.js';
import type { Settings } from '../../contract/settings.js';
import { overlapShare } from '../time/spans.js';
import type { Clock } from '../util/clock.js';
import { counterKey, newCounter, rollTo, type Counter } from './counters.js';
import { createDayWindow, type DayWindow } from './day-window.js';
import { createZoneAt } from '../time/zoned.js';
import { periodAt } from './periods.js';
import type { ReportedSpendSource } from './reported-spend.js';
import { inScope } from './scope.js';
import type { BudgetState, ReportedValue } from './state.js';

const RUNS_PER_BUDGET = 500;
const DAY_MS = 86_400_000;
const NONE: BudgetOverride[] = [];

export interface Limits {
  usd: number | null;
  tokens: number | null;
}

export interface Spent {
  usd: number;
  tokens: number;
}

/**
 * Counters, limits and what each budget has spent. The number-returning functions (limitUsd, spentUsd, percent…)
 * are what the request path uses: with no overrides and no reported spend they read the budget and counter
 * directly and allocate nothing. limitsOf / spentOf build objects for status and wording.
 */
export interface Spend {
  counterFor(b: Budget, run: string | null, now: number): Counter;
  /** What counterFor does to a counter it finds, for one found already: rolled into `now`'s period and day. */
  refresh(b: Budget, c: Counter, now: number): Counter;
  activeOverrides(budgetId: string, now: number): BudgetOverride[];
  limitUsd(b: Budget, now: number): number | null;
  limitTokens(b: Budget, now: number): number | null;
  limitsOf(b: Budget, now: number): Limits;
  reportedFor(b: Budget, c: Counter, now: number): ReportedValue | null;
  spentUsd(b: Budget, c: Counter, now: number): number;
  spentTokens(b: Budget, c: Counter, now: number): number;
  spentOf(b: Budget, c: Counter, now: number): Spent;
  /** Of the limit, the larger of the dollar and token ratios, in percent. */
  percent(b: Budget, c: Counter, now: number): number;
  /**
   * Whether `percent` is at least `tier`. The request path asks this of every applying budget, twice per call: a
   * boolean, where a percent returned by a call that is not inlined is a new heap number each time.
   */
  reaches(b: Budget, c: Counter, now: number, tier: number): boolean;
  /** The local day `now` is in (guardrails), cached until it ends. */
  day(now: number): DayWindow;
  setReportedSource(src: ReportedSpendSource | null, onReported: () => void): void;
}

export function createSpend(state: BudgetState, deps: { clock: Clock; settings: () => Settings }): Spend {
  const tz = () => deps.settings().timezone;
  const day = createDayWindow(tz);
  const zoneAt = createZoneAt(tz);

  function counterFor(b: Budget, run: string | null, now: number): Counter {
    const key = counterKey(b.id, run);
    const c = state.counters.get(key);
    if (c) return refresh(b, c, now);
    const fresh = newCounter(b.id, run, periodAt(b.period, now, zoneAt(now)), now);
    state.counters.set(key, fresh);
    if (run !== null) pruneRuns(b.id);
    guardDay(b, fresh, now);
    return fresh;
  }

  function refresh(b: Budget, c: Counter, now: number): Counter {
    rollTo(c, b, now, zoneAt(now));
    guardDay(b, c, now);
    return c;
  }

  /** A daily guardrail's spend and alert start over each local day. */
  function guardDay(b: Budget, c: Counter, now: number) {
    if (b.dailyGuardrailUsd === null) return;
    const d = day(now).key;
    if (c.guardDay !== d) {
      c.guardDay = d;
      c.guardSpentUsd = 0;
      c.fired = c.fired.filter((f) => !f.startsWith('guard:'));
    }
  }

  function pruneRuns(budgetId: string) {
    const runs = [...state.counters.values()].filter((c) => c.budgetId === budgetId && c.run !== null);
    if (runs.length <= RUNS_PER_BUDGET) return;
    runs.sort((a, b) => a.lastActivity - b.lastActivity);
    for (const c of runs.slice(0, runs.length - RUNS_PER_BUDGET)) if (c.reservedUsd === 0 && c.reservedTokens === 0) state.counters.delete(counterKey(c.budgetId, c.run));
  }

  function activeOverrides(budgetId: string, now: number): BudgetOverride[] {
    if (state.overrides.length === 0) return NONE;
    return state.overrides.filter((o) => o.budgetId === budgetId && o.expiresAt > now);
  }

  function limitUsd(b: Budget, now: number): number | null {
    let lim = b.limitUsd;
    if (lim === null || state.overrides.length === 0) return lim;
    for (const o of activeOverrides(b.id, now)) lim += (o.addUsd ?? 0) + (b.limitUsd! * (o.addPercent ?? 0)) / 100;
    return lim;
  }

  function limitTokens(b: Budget, now: number): number | null {
    let lim = b.limitTokens;
    if (lim === null || state.overrides.length === 0) return lim;
    for (const o of activeOverrides(b.id, now)) if (o.addPercent) lim += (b.limitTokens! * o.addPercent) / 100;
    return lim;
  }

  /**
   * The provider-reported spend in the budget's current period, or null when nothing has been reported for it
   * (a budget then counts what the proxy saw). Cached per budget until the period, the reports or (for rolling
   * windows) the hour change: this runs for every applicable budget on every request.
   */
  /**
   * Whether any provider-reported spend can exist. Most installs have no usage connection: then this is the only
   * check each budget pays on the request path (no cache look-up, twice per budget, for a figure that is null).
   */
  function reports(): boolean {
    const src = state.reported.source;
    return src !== null && !(src.isEmpty?.() ?? false);
  }

  function reportedFor(b: Budget, c: Counter, now: number): ReportedValue | null {
    const r = state.reported;
    if (!r.source || b.counts === 'observed' || b.scope.user || b.scope.run || r.source.isEmpty?.()) return null;
    const hour = b.period.kind === 'rolling' ? Math.floor(now / 3_600_000) : 0;
    const cached = r.cache.get(b.id);
    if (cached && cached.periodKey === c.periodKey && cached.version === r.version && cached.hour === hour) return cached.value;
    const from = c.periodStart;
    let usdSum = 0;
    let tok = 0;
    let asOf: number | null = null;
    // Buckets are at most a UTC day long; one that began before the period counts for its share inside it (a
    // half-hour zone's midnight cuts an hourly bucket; any other zone's cuts a UTC-day one).
    for (const row of r.source.rows(from - DAY_MS, now)) {
      const share = overlapShare(row.start, row.end, from, Infinity);
      if (share === 0) continue;
      if (!inScope(b.scope, { provider: row.provider, keyId: row.keyId, model: row.model ?? '', project: row.project, user: null, run: null })) continue;
      if (b.scope.model && row.model === null) continue;
      usdSum += row.costUsd * share;
      tok += (row.inputTokens + row.outputTokens) * share;
      asOf = asOf === null ? row.asOf : Math.min(asOf, row.asOf);
    }
    const value = asOf === null ? null : { usd: usdSum, tokens: Math.round(tok), asOf };
    r.cache.set(b.id, { periodKey: c.periodKey, version: r.version, hour, value });
    return value;
  }

  /** What a budget counts: the proxy's records, the provider's reports, or the larger (default). */
  function spentUsd(b: Budget, c: Counter, now: number): number {
    if (!reports()) return c.spentUsd;
    const r = reportedFor(b, c, now);
    if (!r) return c.spentUsd;
    return b.counts === 'reported' ? r.usd : Math.max(c.spentUsd, r.usd);
  }

  function spentTokens(b: Budget, c: Counter, now: number): number {
    if (!reports()) return c.spentTokens;
    const r = reportedFor(b, c, now);
    if (!r) return c.spentTokens;
    return b.counts === 'reported' ? r.tokens : Math.max(c.spentTokens, r.tokens);
  }

  function percent(b: Budget, c: Counter, now: number): number {
    let p = 0;
    if (b.limitUsd !== null) {
      const lim = limitUsd(b, now)!;
      if (lim > 0) p = Math.max(p, (spentUsd(b, c, now) / lim) * 100);
    }
    if (b.limitTokens !== null) {
      const lim = limitTokens(b, now)!;
      if (lim > 0) p = Math.max(p, (spentTokens(b, c, now) / lim) * 100);
    }
    return p;
  }

  function reaches(b: Budget, c: Counter, now: number, tier: number): boolean {
    return percent(b, c, now) >= tier;
  }

  return {
    counterFor,
    refresh,
    activeOverrides,
    limitUsd,
    limitTokens,
    limitsOf: (b, now) => ({ usd: limitUsd(b, now), tokens: limitTokens(b, now) }),
    reportedFor,
    spentUsd,
    spentTokens,
    spentOf: (b, c, now) => ({ usd: spentUsd(b, c, now), tokens: spentTokens(b, c, now) }),
    percent,
    reaches,
    day,
    setReportedSource(src, onReported) {
      const r = state.reported;
      r.off?.();
      r.source = src;
      r.version++;
      r.off =
        src?.onChange(() => {
          r.version++;
          onReported();
        }) ?? null;
    },
  };
}
