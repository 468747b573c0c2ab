import type { Budget, BudgetOverride } from '../../contract/budgets.js';
import type { Settings } from '../../contract/settings.js';
import { NotFoundError, ValidationError } from '../util/validation.js';
import type { Clock } from '../util/clock.js';
import type { BudgetAlerts } from './alerts.js';
import { nextId, type Audit } from './audit.js';
import { newCounter } from './counters.js';
import { carryHolds } from './holds.js';
import { usd } from './format.js';
import { periodAt } from './periods.js';
import { reindex, type BudgetState } from './state.js';
import { validateBudget } from './validate.js';
import type { Words } from './words.js';

export interface BudgetEditing {
  get(id: string): Budget | null;
  create(input: unknown): Budget;
  update(id: string, patch: unknown): Budget;
  remove(id: string): boolean;
  addOverride(o: { budgetId: string; addUsd: number | null; addPercent: number | null; expiresAt: number; reason: string }): BudgetOverride;
  cancelOverride(id: string): boolean;
  /** Replaces the budgets declared in budgets.json (validated by the caller). */
  replaceFileBudgets(list: Budget[]): void;
}

interface Deps {
  clock: Clock;
  settings: () => Settings;
  onChange: () => void;
  audit: Audit;
  alerts: BudgetAlerts;
  words: Words;
}

/** Budgets made in the app or declared in budgets.json, and temporary overrides; every change is audited. */
export function createEditing(state: BudgetState, deps: Deps): BudgetEditing {
  const { audit, words } = deps;
  const tz = () => deps.settings().timezone;

  return {
    get: (id) => state.budgets.get(id) ?? null,
    create(input) {
      const b = validateBudget(input, null, deps.settings(), deps.clock.now(), nextId('bud'));
      state.budgets.set(b.id, b);
      reindex(state);
      audit.record('budget-created', `Budget "${b.name}" created (${words.scope(b)}).`, b.id);
      return b;
    },
    update(id, patch) {
      const cur = state.budgets.get(id);
      if (!cur) throw new NotFoundError(`No budget "${id}".`);
      if (cur.source === 'file') throw new ValidationError('id', `budget "${cur.name}" is declared in budgets.json; edit it there`);
      const next = validateBudget(patch, cur, deps.settings(), deps.clock.now(), id);
      state.budgets.set(id, next);
      reindex(state);
      state.reported.cache.delete(id);
      if (JSON.stringify(next.period) !== JSON.stringify(cur.period)) {
        for (const [k, c] of state.counters) {
          if (c.budgetId !== id) continue;
          const fresh = newCounter(id, c.run, periodAt(next.period, deps.clock.now(), tz()), deps.clock.now());
          carryHolds(c, fresh);
          state.counters.set(k, fresh);
        }
      }
      audit.record('budget-updated', `Budget "${next.name}" changed.`, id);
      deps.alerts.checkAll();
      return next;
    },
    remove(id) {
      const cur = state.budgets.get(id);
      if (!cur) return false;
      if (cur.source === 'file') throw new ValidationError('id', `budget "${cur.name}" is declared in budgets.json; remove it there`);
      state.budgets.delete(id);
      reindex(state);
      for (const [k, c] of state.counters) if (c.budgetId === id) state.counters.delete(k);
      state.overrides = state.overrides.filter((o) => o.budgetId !== id);
      audit.record('budget-deleted', `Budget "${cur.name}" deleted.`, id);
      return true;
    },
    addOverride(o) {
      const b = state.budgets.get(o.budgetId);
      if (!b) throw new NotFoundError(`No budget "${o.budgetId}".`);
      const ov: BudgetOverride = { id: nextId('ovr'), createdAt: deps.clock.now(), ...o };
      state.overrides.push(ov);
      const raise = o.addUsd !== null ? `+${usd(o.addUsd)}` : `+${o.addPercent}%`;
      audit.record('override', `Override on "${b.name}": ${raise} until ${words.when(o.expiresAt)}. Why: ${o.reason}`, b.id);
      return ov;
    },
    cancelOverride(id) {
      const o = state.overrides.find((x) => x.id === id);
      if (!o) return false;
      state.overrides = state.overrides.filter((x) => x.id !== id);
      audit.record('override', `Override on "${state.budgets.get(o.budgetId)?.name ?? o.budgetId}" (${o.reason}) cancelled.`, o.budgetId);
      return true;
    },
    replaceFileBudgets(list) {
      try {
        for (const [id, b] of state.budgets) if (b.source === 'file' && !list.some((n) => n.id === id)) state.budgets.delete(id);
        for (const b of list) {
          const cur = state.budgets.get(b.id);
          if (cur && cur.source === 'api') throw new ValidationError(`budgets.json: ${b.id}`, 'has the id of a budget made in the app');
          state.budgets.set(b.id, cur ? { ...b, createdAt: cur.createdAt } : b);
          state.reported.cache.delete(b.id);
        }
      } finally {
        // A clash above leaves the budgets changed up to it, as before; the index must follow them either way.
        reindex(state);
      }
      deps.onChange();
      deps.alerts.checkAll();
    },
  };
}
