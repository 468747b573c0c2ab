import type { AuditEntry, Budget, BudgetAlert, BudgetOverride } from '../../contract/budgets.js';
import { counterKey, fromStored, toStored, type Counter, type StoredCounter } from './counters.js';
import { createOpenTickets, type OpenTickets } from './open-tickets.js';
import type { ReportedSpendSource } from './reported-spend.js';
import { createScopeIndex, type ScopeIndex, type TeamOf } from './scope-index.js';

/** What is persisted. Counters drop their in-memory fields (reservations, caches); everything else is stored as is. */
export interface BudgetsSnapshot {
  version: 1;
  budgets: Budget[];
  counters: StoredCounter[];
  overrides: BudgetOverride[];
  audit: AuditEntry[];
  alerts: BudgetAlert[];
  /** Override ids whose "about to expire" alert has fired. */
  warnedOverrides: string[];
}

/** The worst case a call can cost, reserved at admission. */
export interface Worst {
  usd: number | null;
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  /** The input's part of `usd` (0 when unpriced), and the price of one output token: costs at other outputs. */
  inputUsd: number;
  perOutputUsd: number;
  /** Whether input came from the byte bound (refinable with the tokenizer). */
  bound: boolean;
  /** Whether input is priced as 1-hour cache writes (the call may write them) rather than 5-minute ones. */
  longCache: boolean;
}

export interface ReportedValue {
  usd: number;
  tokens: number;
  asOf: number | null;
}

/** Provider-reported spend, and per budget the figure last read from it (see spend.ts reportedFor). */
export interface ReportedState {
  source: ReportedSpendSource | null;
  off: (() => void) | null;
  /** Bumped whenever the source or its figures change: cached values of an older version are stale. */
  version: number;
  cache: Map<string, { periodKey: string; version: number; hour: number; value: ReportedValue | null }>;
}

/**
 * Everything the budget modules share, in one object so each module's dependencies are visible in its
 * signature. `overrides` is replaced rather than edited in place, so a snapshot taken earlier stays as it was.
 */
export interface BudgetState {
  budgets: Map<string, Budget>;
  counters: Map<string, Counter>;
  overrides: BudgetOverride[];
  audit: AuditEntry[];
  alerts: BudgetAlert[];
  warnedOverrides: Set<string>;
  /** The calls in flight (see open-tickets.ts for why a list, not a map). */
  tickets: OpenTickets;
  reported: ReportedState;
  /** Enabled budgets by scope field; rebuilt whenever the set of budgets changes (see reindex). */
  index: ScopeIndex;
  /** Which team of the hierarchy a call belongs to (set by the hierarchy module; no teams until then). */
  teamOf: TeamOf;
}

/** Builds the state from a stored snapshot (or nothing). Snapshots written by earlier versions load unchanged. */
export function createBudgetState(initial: unknown): BudgetState {
  const snap = initial as Partial<BudgetsSnapshot> | undefined;
  const budgets = new Map<string, Budget>();
  for (const b of snap?.budgets ?? []) budgets.set(b.id, b);
  const counters = new Map<string, Counter>();
  for (const c of snap?.counters ?? []) counters.set(counterKey(c.budgetId, c.run), fromStored(c));
  return {
    budgets,
    counters,
    overrides: snap?.overrides ?? [],
    audit: snap?.audit ?? [],
    alerts: snap?.alerts ?? [],
    warnedOverrides: new Set(snap?.warnedOverrides ?? []),
    tickets: createOpenTickets(),
    reported: { source: null, off: null, version: 0, cache: new Map() },
    index: createScopeIndex(budgets.values()),
    teamOf: () => null,
  };
}

/** Call after any change to `state.budgets`. */
export function reindex(state: BudgetState): void {
  state.index = createScopeIndex(state.budgets.values(), state.teamOf);
}

export function snapshotOf(state: BudgetState): BudgetsSnapshot {
  return {
    version: 1,
    budgets: [...state.budgets.values()],
    counters: [...state.counters.values()].map(toStored),
    overrides: state.overrides,
    audit: state.audit,
    alerts: state.alerts,
    warnedOverrides: [...state.warnedOverrides],
  };
}
