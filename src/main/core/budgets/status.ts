import type { Budget, BudgetStatus } from '../../contract/budgets.js';
import type { Settings } from '../../contract/settings.js';
import type { Clock } from '../util/clock.js';
import { BLOCKED_TAG } from './alerts.js';
import { newCounter, rollTo, type Counter } from './counters.js';
import { periodAt } from './periods.js';
import { externalTools } from './sources.js';
import { unblockableWords } from './words.js';
import type { Spend } from './spend.js';
import type { BudgetState } from './state.js';

/** How many runs of a run budget the list shows, most recent first. */
const RUNS_LISTED = 20;

function stateOf(b: Budget, pct: number, guardHit: boolean, blocked: boolean): BudgetStatus['state'] {
  if ((b.hardStopPercent !== null && pct >= b.hardStopPercent) || guardHit || blocked) return 'stopped';
  if (pct >= 100) return 'exceeded';
  const tiers = b.thresholds;
  if (tiers.length >= 2 && pct >= tiers[tiers.length - 2]!) return 'warning';
  if (pct >= (tiers[0] ?? 100)) return 'notice';
  return 'ok';
}

/** Budgets as the dashboard, the tray and the admin API see them. */
export function createStatus(state: BudgetState, deps: { clock: Clock; settings: () => Settings; spend: Spend }): { list(): BudgetStatus[] } {
  const { spend } = deps;
  const tz = () => deps.settings().timezone;

  function statusOf(b: Budget, c: Counter, now: number): BudgetStatus {
    const lim = spend.limitsOf(b, now);
    const spent = spend.spentOf(b, c, now);
    const rep = spend.reportedFor(b, c, now);
    const pct = spend.percent(b, c, now);
    const guardHit = b.dailyGuardrailUsd !== null && c.guardSpentUsd >= b.dailyGuardrailUsd;
    const ext = externalTools(c);
    return {
      budget: b,
      run: c.run,
      periodKey: c.periodKey,
      periodStart: c.periodStart,
      resetsAt: c.periodEnd,
      spentUsd: spent.usd,
      spentTokens: spent.tokens,
      reservedUsd: c.reservedUsd,
      reservedTokens: c.reservedTokens,
      reportedUsd: rep ? rep.usd : null,
      reportedAsOf: rep ? rep.asOf : null,
      effectiveLimitUsd: lim.usd,
      effectiveLimitTokens: lim.tokens,
      percent: pct,
      state: stateOf(b, pct, guardHit, c.fired.includes(BLOCKED_TAG)),
      fired: c.fired.filter((f) => f.startsWith('t:')).map((f) => Number(f.slice(2))),
      unpricedRequests: c.unpriced,
      guardrail:
        b.dailyGuardrailUsd !== null
          ? { limitUsd: b.dailyGuardrailUsd, spentUsd: c.guardSpentUsd, percent: (c.guardSpentUsd / b.dailyGuardrailUsd) * 100, resetsAt: spend.day(now).end }
          : null,
      overrides: spend.activeOverrides(b.id, now),
      iterations: c.run !== null ? c.iterations : null,
      ...(ext.length ? { unblockable: { tools: ext, message: unblockableWords(ext) } } : {}),
    };
  }

  return {
    list() {
      const now = deps.clock.now();
      const out: BudgetStatus[] = [];
      for (const b of state.budgets.values()) {
        if (b.scope.run) {
          const runs = [...state.counters.values()].filter((c) => c.budgetId === b.id && c.run !== null).sort((x, y) => y.lastActivity - x.lastActivity);
          for (const c of runs.slice(0, RUNS_LISTED)) {
            rollTo(c, b, now, tz());
            out.push(statusOf(b, c, now));
          }
          if (runs.length === 0) out.push(statusOf(b, newCounter(b.id, null, periodAt(b.period, now, tz()), now), now));
        } else out.push(statusOf(b, spend.counterFor(b, null, now), now));
      }
      return out;
    },
  };
}
