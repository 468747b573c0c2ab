import type { Budget, BudgetOverride } from '../../contract/budgets.js';
import type { AdmissionTicket } from '../proxy/admission.js';
import type { Clock } from '../util/clock.js';
import type { BudgetAlerts } from './alerts.js';
import { addSpend } from './counters.js';
import { heldTokens, heldUsd, holdKey } from './holds.js';
import type { Spend } from './spend.js';
import { reindex, type BudgetState } from './state.js';

/**
 * What one admitted call holds against one budget, as a shared store needs it: the counter and period it
 * belongs to, the amount, and the hard stop it must stay under (null: no stop, or enforcement off).
 */
export interface SharedHold {
  key: string;
  budget: Budget;
  periodKey: string;
  usd: number;
  tokens: number;
  stopUsd: number | null;
  stopTokens: number | null;
  /** Rolling windows: the window's length (ms). Their periodKey is ROLLING_PERIOD: the window never resets. */
  windowMs?: number;
}

/**
 * The period key of a rolling budget's shared counter. The local counter's key changes daily (its alerts re-arm
 * every day), but the window's spend carries over from day to day, so the shared counter has one key for good.
 */
export const ROLLING_PERIOD = 'rolling';

const DAY_MS = 86_400_000;

/**
 * The seam team mode (core/team) uses: read what a call holds, and write the team's spend into the local
 * counters so local admission, status and alerts see it. Nothing here knows where shared spend is kept.
 */
export interface SharedSeam {
  /** What an admitted call (its ticket) holds against each of its budgets; nothing for a ticket not open here. */
  held(ticket: AdmissionTicket, enforced: boolean): SharedHold[];
  /** Sets a counter's spend to the team's figure, if it is still in `periodKey`; fires any tier it crossed. */
  applyShared(key: string, periodKey: string, usd: number, tokens: number): void;
  /** Replaces the budgets made in the app, and the overrides, with the team's (nothing changes when equal). */
  applyDefinitions(budgets: Budget[], overrides: BudgetOverride[]): void;
}

function takeOldest(hourly: [number, number, number][], field: 1 | 2, amount: number): void {
  let left = amount;
  for (const h of hourly) {
    const t = Math.min(h[field], left);
    h[field] -= t;
    left -= t;
    if (left <= 0) return;
  }
}

export function createSharedSeam(state: BudgetState, deps: { clock: Clock; spend: Spend; alerts: BudgetAlerts; onChange: () => void }): SharedSeam {
  const { spend } = deps;
  return {
    held(ticket, enforced) {
      const t: unknown = ticket;
      if (!state.tickets.has(t)) return [];
      const now = deps.clock.now();
      const h = t.holds;
      const out: SharedHold[] = [];
      for (let i = 0; i < h.budgets.length; i++) {
        const key = holdKey(h, i);
        const c = state.counters.get(key);
        const b = h.budgets[i]!;
        const stop = enforced && b.hardStopPercent !== null ? b.hardStopPercent / 100 : null;
        const lu = stop === null ? null : spend.limitUsd(b, now);
        const lt = stop === null ? null : spend.limitTokens(b, now);
        const rolling = b.period.kind === 'rolling' ? { windowMs: b.period.days * DAY_MS } : null;
        out.push({
          key,
          budget: b,
          periodKey: rolling ? ROLLING_PERIOD : (c?.periodKey ?? ''),
          ...rolling,
          usd: heldUsd(h, i),
          tokens: heldTokens(h, i),
          stopUsd: lu === null || stop === null ? null : lu * stop,
          stopTokens: lt === null || stop === null ? null : lt * stop,
        });
      }
      return out;
    },
    applyShared(key, periodKey, usd, tokens) {
      const c = state.counters.get(key);
      const b = c ? state.budgets.get(c.budgetId) : undefined;
      if (!c || !b) return;
      const now = deps.clock.now();
      if (b.period.kind === 'rolling') {
        if (periodKey !== ROLLING_PERIOD) return;
        // The window's sum is the sum of its hourly buckets (counters.ts rollWindow): what the team spent beyond
        // what this instance knows goes into the current hour, so the local sum equals the team's. It is counted
        // as recent, so it leaves the local window no earlier than it leaves the team's; the next answer from
        // the team store corrects it either way.
        spend.counterFor(b, c.run, now);
        const du = usd - c.spentUsd;
        const dt = tokens - c.spentTokens;
        if (du === 0 && dt === 0) return;
        // Less than known here (older hours slid out of the team's window first, or Redis lost its data): taken
        // from the oldest buckets, the next to slide out, so that no bucket goes below zero and the window's sum
        // cannot turn negative when they leave.
        if (du < 0) takeOldest(c.hourly, 1, -du);
        if (dt < 0) takeOldest(c.hourly, 2, -dt);
        addSpend(c, b, Math.max(du, 0), Math.max(dt, 0), now);
        // The buckets changed under the cached prefix sum: recomputed at the next roll.
        c.prefixCount = -2;
        c.spentUsd = usd;
        c.spentTokens = tokens;
      } else {
        if (c.periodKey !== periodKey) return;
        if (c.spentUsd === usd && c.spentTokens === tokens) return;
        c.spentUsd = usd;
        c.spentTokens = tokens;
      }
      deps.alerts.check(b, c, now);
      deps.onChange();
    },
    applyDefinitions(budgets, overrides) {
      // Budgets from budgets.json belong to this machine's file: the team's list replaces only those made in the app.
      const mine = [...state.budgets.values()].filter((b) => b.source === 'api');
      const theirs = budgets.filter((b) => b.source === 'api');
      if (JSON.stringify(mine) === JSON.stringify(theirs) && JSON.stringify(state.overrides) === JSON.stringify(overrides)) return;
      for (const b of mine) state.budgets.delete(b.id);
      for (const b of theirs) if (!state.budgets.has(b.id)) state.budgets.set(b.id, b);
      state.overrides = overrides;
      reindex(state);
      deps.onChange();
    },
  };
}
