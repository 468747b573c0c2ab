import type { AuditEntry, AuditKind, Budget, BudgetAlert, BudgetStatus } from '../../contract/budgets.js';
import type { Settings } from '../../contract/settings.js';
import type { RequestRecord } from '../../contract/usage.js';
import type { Admission } from '../proxy/admission.js';
import type { Pricer } from '../pricing/pricer.js';
import type { Tokenizer } from '../tokens/tokenizer.js';
import type { Clock } from '../util/clock.js';
import { createAdmission } from './admission.js';
import { createBudgetAlerts } from './alerts.js';
import { createAudit } from './audit.js';
import { addSpend } from './counters.js';
import { createEditing, type BudgetEditing } from './editing.js';
import { createExpectedOutput } from './expected-output.js';
import { createKnownCounters } from './known-counters.js';
import type { ReportedSpendSource } from './reported-spend.js';
import type { TeamOf } from './scope-index.js';
import type { CallFacts } from './scope.js';
import { createSharedSeam, type SharedSeam } from './shared.js';
import { createSpend } from './spend.js';
import { createBudgetState, reindex, snapshotOf, type BudgetsSnapshot } from './state.js';
import { createStatus } from './status.js';
import { createSweep } from './sweep.js';
import { createTickets } from './ticket.js';
import { countsSource, markExternal } from './sources.js';
import { createWords } from './words.js';

export type { BudgetsSnapshot } from './state.js';

export interface BudgetEngineDeps {
  clock: Clock;
  settings: () => Settings;
  pricer: Pricer;
  tokenizer: Tokenizer;
  keyLabel: (id: string) => string;
  initial?: unknown;
  onChange: () => void;
  onAlert: (a: BudgetAlert) => void;
}

/** Admission for the proxy, editing (editing.ts) for the API, and the rest below. */
export interface BudgetEngine extends Admission, BudgetEditing, SharedSeam {
  list(): BudgetStatus[];
  audit(limit?: number, kind?: string): AuditEntry[];
  alerts(limit?: number): BudgetAlert[];
  /** Releases stale reservations, expires overrides, re-checks thresholds. Called by a timer and by tests. */
  sweep(): void;
  setReportedSource(src: ReportedSpendSource | null): void;
  /** Seeds a new budget's counter from spend already recorded in its period. */
  seed(budget: Budget, usdSoFar: number, tokensSoFar: number): void;
  /**
   * Counts a call that never passed admission (from a coding tool's logs or telemetry) in the budgets it falls
   * under whose `sources` include its source.
   */
  addExternal(record: RequestRecord): void;
  snapshot(): BudgetsSnapshot;
  readonly outstanding: number;
  recordAudit(kind: AuditKind, message: string, budgetId?: string | null, requestId?: string | null): void;
  /** Where calls find their team for budgets scoped to one (the hierarchy's teams); replaces the previous. */
  setTeamOf(teamOf: TeamOf): void;
  teamOf(facts: CallFacts): string | null;
}

/**
 * The budget engine: one state object (state.ts) and the modules that share it — spend (counters, limits,
 * reported spend), alerts, admission and its tickets, status, editing and the sweep — wired together here.
 */
export function createBudgetEngine(deps: BudgetEngineDeps): BudgetEngine {
  const state = createBudgetState(deps.initial);
  const spend = createSpend(state, deps);
  const words = createWords(deps);
  const audit = createAudit(state, deps);
  const alerts = createBudgetAlerts(state, { ...deps, spend, words });
  const expected = createExpectedOutput();
  const known = createKnownCounters(state, spend);
  const tickets = createTickets(state, { ...deps, spend, alerts, audit, expected, known });
  const admission = createAdmission(state, { ...deps, spend, words, audit, tickets, alerts, expected, known });
  const status = createStatus(state, { ...deps, spend });
  const editing = createEditing(state, { ...deps, audit, alerts, words });
  const sweep = createSweep(state, { ...deps, alerts, audit });
  // A budget with a hard stop needs the tokenizer for calls near its limit: loading starts (in the background) as
  // soon as there is one, since until it is ready a prompt is bounded by its bytes (see module.ts).
  const warmFor = (b: Budget): Budget => {
    if (b.hardStopPercent !== null) void deps.tokenizer.ready();
    return b;
  };
  const shared = createSharedSeam(state, { ...deps, spend, alerts });

  return {
    admit: admission.admit,
    recordAudit: audit.record,
    sweep,
    get outstanding() {
      return state.tickets.size;
    },
    list: status.list,
    get: editing.get,
    create: (input) => warmFor(editing.create(input)),
    update: (id, patch) => warmFor(editing.update(id, patch)),
    remove: editing.remove,
    addOverride: editing.addOverride,
    cancelOverride: editing.cancelOverride,
    audit: audit.list,
    alerts: alerts.list,
    replaceFileBudgets(list) {
      editing.replaceFileBudgets(list);
      list.forEach(warmFor);
    },
    setReportedSource(src) {
      spend.setReportedSource(src, () => {
        // A teammate's direct spend can cross a threshold with no request through this proxy.
        alerts.checkAll();
        deps.onChange();
      });
    },
    seed(b, usdSoFar, tokensSoFar) {
      const now = deps.clock.now();
      const c = spend.counterFor(b, null, now);
      addSpend(c, b, usdSoFar, tokensSoFar, now);
      alerts.check(b, c, now);
    },
    addExternal(record) {
      const now = deps.clock.now();
      const facts = { provider: record.provider, keyId: record.keyId, model: record.model, project: record.project, user: record.user, run: record.run };
      for (const b of state.index.candidates(facts)) {
        if (!countsSource(b, record.source)) continue;
        const c = spend.counterFor(b, null, now);
        // A backfilled call from before the budget's current period is history, not this period's spend.
        if (record.ts < c.periodStart || record.ts > now) continue;
        // Before the tiers are checked, so an alert this call fires already says Tollgate could not stop it.
        markExternal(c, record.tool ?? record.source ?? 'external');
        addSpend(c, b, record.costUsd ?? 0, record.usage.inputTokens + record.usage.outputTokens, now);
        if (record.costUsd === null) c.unpriced++;
        // Today's share counts toward the daily guardrail, as a proxied call's does when it settles.
        if (b.dailyGuardrailUsd !== null && record.ts >= spend.day(now).start) c.guardSpentUsd += record.costUsd ?? 0;
        alerts.check(b, c, now);
      }
      deps.onChange();
    },
    snapshot: () => snapshotOf(state),
    setTeamOf(teamOf) {
      state.teamOf = teamOf;
      reindex(state);
    },
    teamOf: (facts) => state.teamOf(facts),
    held: shared.held,
    applyShared: shared.applyShared,
    applyDefinitions: shared.applyDefinitions,
  };
}
