import type { Settings } from '../../contract/settings.js';
import type { Clock } from '../util/clock.js';
import type { BudgetAlerts } from './alerts.js';
import type { Audit } from './audit.js';
import { rollTo } from './counters.js';
import { releaseHolds } from './holds.js';
import type { BudgetState } from './state.js';

const OVERRIDE_WARNING_MS = 10 * 60_000;

interface Deps {
  clock: Clock;
  settings: () => Settings;
  onChange: () => void;
  alerts: BudgetAlerts;
  audit: Audit;
}

/** Releases stale reservations, warns of and expires overrides, and rolls counters into their current period. */
export function createSweep(state: BudgetState, deps: Deps): () => void {
  return function sweep() {
    const now = deps.clock.now();
    const s = deps.settings();
    const staleAfter = s.upstreamIdleTimeoutMs + 120_000;
    state.tickets.forEach((t) => {
      if (now - t.at > staleAfter) {
        state.tickets.remove(t);
        releaseHolds(state.counters, t.holds);
        deps.onChange();
      }
    });
    for (const o of state.overrides) {
      if (o.expiresAt > now && o.expiresAt - now <= OVERRIDE_WARNING_MS && !state.warnedOverrides.has(o.id)) {
        state.warnedOverrides.add(o.id);
        deps.alerts.overrideExpiring(o, now);
      }
    }
    const expired = state.overrides.filter((o) => o.expiresAt <= now);
    if (expired.length) {
      state.overrides = state.overrides.filter((o) => o.expiresAt > now);
      for (const o of expired) {
        state.warnedOverrides.delete(o.id);
        deps.audit.record('override-expired', `Override on "${state.budgets.get(o.budgetId)?.name ?? o.budgetId}" (${o.reason}) expired.`, o.budgetId);
      }
    }
    // Each counter rolls on its own: one pass over the counters, not one per budget.
    for (const c of state.counters.values()) {
      const b = state.budgets.get(c.budgetId);
      if (b?.enabled && rollTo(c, b, now, s.timezone)) deps.onChange();
    }
  };
}
