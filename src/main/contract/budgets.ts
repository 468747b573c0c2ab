/** Budgets as the dashboard, the tray and the admin API see them. Types only. */

/**
 * What a budget covers: every field set must match (a conjunction); none set means all traffic. `model` may end
 * in "*" ("claude-opus-*"). `run: "*"` gives every agent run (x-tollgate-run) its own counter.
 */
export interface BudgetScope {
  provider?: string;
  project?: string;
  keyId?: string;
  user?: string;
  model?: string;
  run?: string;
  /**
   * A team of the hierarchy (hierarchy.teams): calls whose key, user or project the team lists. A call belongs to
   * at most one team: its key's team first, then its user's, then its project's.
   */
  team?: string;
}

/** Every period kind, in the order forms list them; validation accepts exactly these. */
export const PERIOD_KINDS = ['day', 'week', 'month', 'rolling', 'total'] as const;

export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** A budget's period; each kind carries only the fields it uses. */
export type BudgetPeriod =
  | { kind: 'day' }
  /** 1 = Monday (default), 0 = Sunday. */
  | { kind: 'week'; weekStartsOn?: 0 | 1 }
  /** The day of the month the period starts on (1-28). Default 1. */
  | { kind: 'month'; billingDay?: number }
  /** A window of the last `days` days, sliding hour by hour. */
  | { kind: 'rolling'; days: number }
  | { kind: 'total' };

export type HardStopAction = 'block' | 'degrade';

/** Which spend a budget counts: the proxy's own records, the providers' usage reports, or the larger (default). */
export type SpendSource = 'observed' | 'reported' | 'max';

/**
 * How a request is reserved against the budget while in flight. 'expected' (the default): a stream, which can be
 * cut off at the hard stop, holds its input and the output such calls usually produce; a non-streamed request
 * holds its worst case. 'strict': every request holds its worst case.
 */
export type AdmissionMode = 'strict' | 'expected';

/**
 * Which spend a budget counts beside proxied calls: calls imported from coding tools' local logs, and calls they
 * report by OpenTelemetry. Proxied calls always count (only they pass admission). Absent: all three, which is
 * what budgets counted before the setting existed plus telemetry; a call two sources saw is counted once.
 */
export const BUDGET_SOURCES = ['proxy', 'proxy+logs', 'proxy+logs+telemetry'] as const;

export type BudgetSources = (typeof BUDGET_SOURCES)[number];

export interface RunLimits {
  /** Requests per run. */
  maxIterations?: number;
  /** Output tokens per request: clamps max_tokens / max_output_tokens / maxOutputTokens. */
  maxTokensPerIteration?: number;
}

export interface BudgetInput {
  name: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  /** Dollars, tokens, or both (null for the one not limited). */
  limitUsd: number | null;
  limitTokens: number | null;
  /** Notification tiers in percent, ascending. Default [50, 80, 100]. */
  thresholds?: number[];
  /** Percent at which requests stop (≥ 100), or null for "soft only". Default 120. */
  hardStopPercent?: number | null;
  action?: HardStopAction;
  /** Degrade map for this budget (requested model → cheaper one); falls back to the settings' map. */
  degradeTo?: Record<string, string>;
  /** Monthly budgets: a daily cap, suggested at 10–15% of the monthly limit. */
  dailyGuardrailUsd?: number | null;
  counts?: SpendSource;
  runLimits?: RunLimits;
  /** Absent: 'expected'. */
  admission?: AdmissionMode;
  /** Absent: 'proxy+logs+telemetry'. */
  sources?: BudgetSources;
  enabled?: boolean;
}

export interface Budget extends Required<Omit<BudgetInput, 'degradeTo' | 'runLimits' | 'admission' | 'sources'>> {
  id: string;
  /** Budgets declared in the data folder's budgets.json are edited there, not through the API. */
  source: 'api' | 'file';
  degradeTo: Record<string, string>;
  runLimits: RunLimits;
  /** Stored only when set, so budgets saved before it existed load and save unchanged. */
  admission?: AdmissionMode;
  /** Stored only when set, like admission. */
  sources?: BudgetSources;
  createdAt: number;
  updatedAt: number;
}

export interface BudgetOverride {
  id: string;
  budgetId: string;
  /** Added to the limit: a dollar amount, or a percentage of it. */
  addUsd: number | null;
  addPercent: number | null;
  expiresAt: number;
  reason: string;
  createdAt: number;
}

export type BudgetState = 'ok' | 'notice' | 'warning' | 'exceeded' | 'stopped';

export interface BudgetStatus {
  budget: Budget;
  /** For run-scoped budgets (`run: "*"`), the run this row is about; null otherwise. */
  run: string | null;
  periodKey: string;
  periodStart: number;
  /** null for "total" budgets, which never reset. */
  resetsAt: number | null;
  spentUsd: number;
  spentTokens: number;
  /** What in-flight requests have reserved. */
  reservedUsd: number;
  reservedTokens: number;
  /** Provider-reported spend for the period, when usage polling knows it (null otherwise), with its "as of". */
  reportedUsd: number | null;
  reportedAsOf: number | null;
  /** The limit in force now, overrides included. */
  effectiveLimitUsd: number | null;
  effectiveLimitTokens: number | null;
  /** Of the limit, the larger of the dollar and token ratios, in percent. */
  percent: number;
  state: BudgetState;
  /** Tiers already fired this period. */
  fired: number[];
  /** Calls in scope whose model had no price: their tokens count, their dollars are unknown. */
  unpricedRequests: number;
  guardrail: { limitUsd: number; spentUsd: number; percent: number; resetsAt: number } | null;
  overrides: BudgetOverride[];
  /** Requests served so far in this run (run budgets). */
  iterations: number | null;
  /**
   * Set when spend Tollgate cannot block (coding tools' logs or telemetry) was counted this period: the tools,
   * and the words the dashboard shows ("Tollgate can warn but not stop this: route Claude Code through Tollgate").
   */
  unblockable?: { tools: string[]; message: string };
}

export type AlertKind = 'threshold' | 'hard-stop' | 'guardrail' | 'override-expiring' | 'polling-failed';

/** One alert, fired exactly once per budget, period and tier; the notifications issue turns these into notifications. */
export interface BudgetAlert {
  /** Unique per budget × period × tier: the exactly-once key. */
  id: string;
  kind: AlertKind;
  budgetId: string | null;
  budgetName: string;
  /** The tier in percent, for thresholds and hard stops. */
  tier: number | null;
  spentUsd: number | null;
  limitUsd: number | null;
  spentTokens: number | null;
  limitTokens: number | null;
  periodKey: string | null;
  resetsAt: number | null;
  /** Ready-made words: "Claude Code budget at 80%: $48.00 of $60.00". */
  title: string;
  /** What happens next: "Requests on key X will be blocked at $72.00." */
  body: string;
  at: number;
}

export type AuditKind = 'block' | 'degrade' | 'cut-off' | 'override' | 'override-expired' | 'budget-created' | 'budget-updated' | 'budget-deleted' | 'setting';

export interface AuditEntry {
  id: string;
  at: number;
  kind: AuditKind;
  budgetId: string | null;
  requestId: string | null;
  message: string;
}

export interface BudgetSuggestion {
  scope: BudgetScope;
  label: string;
  days: number;
  dailyAverageUsd: number;
  dailyPeakUsd: number;
  /** Change of the last 7 days' average over the 7 before, in percent (null without two weeks of data). */
  weeklyTrendPercent: number | null;
  suggestedMonthlyUsd: number;
  suggestedDailyGuardrailUsd: number;
  forecastMonthEndUsd: number;
  text: string;
}
