/** Pure filtering for the alert history (Activity): by budget, kind, tier and time, newest first. */
import type { AlertKind, BudgetAlert } from '../../../main/contract/budgets';

export interface AlertFilter {
  /** A budget id, or '' for every budget; alerts without a budget (usage polling) match only ''. */
  budgetId: string;
  kind: AlertKind | '';
  /** A tier in percent as text ("80"), or '' for any. */
  tier: string;
  period: AlertPeriod;
}

export const ALERT_PERIODS = [
  { id: 'all', label: 'Any time', ms: Infinity },
  { id: 'day', label: 'Last 24 hours', ms: 86_400_000 },
  { id: 'week', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: 'month', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

export type AlertPeriod = (typeof ALERT_PERIODS)[number]['id'];

export const NO_ALERT_FILTER: AlertFilter = { budgetId: '', kind: '', tier: '', period: 'all' };

/** The words a person reads for each kind; the API's ids stay in the data. */
export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  threshold: 'threshold',
  'hard-stop': 'hard stop',
  guardrail: 'daily guardrail',
  'override-expiring': 'override ending',
  'polling-failed': 'usage connection',
};

export function filterAlerts(list: readonly BudgetAlert[], f: AlertFilter, now: number): BudgetAlert[] {
  const since = now - (ALERT_PERIODS.find((p) => p.id === f.period)?.ms ?? Infinity);
  return list
    .filter(
      (a) =>
        (!f.budgetId || a.budgetId === f.budgetId) &&
        (!f.kind || a.kind === f.kind) &&
        (!f.tier || (a.tier !== null && String(a.tier) === f.tier)) &&
        a.at >= since,
    )
    .sort((a, b) => b.at - a.at);
}

/** What the filters offer: only budgets, kinds and tiers that occur, so no choice leads to an empty list by design. */
export function alertChoices(list: readonly BudgetAlert[]): { budgets: { id: string; name: string }[]; kinds: AlertKind[]; tiers: number[] } {
  const budgets = new Map<string, string>();
  const kinds = new Set<AlertKind>();
  const tiers = new Set<number>();
  // Newest first, so a renamed budget is listed under its latest name.
  for (const a of [...list].sort((x, y) => y.at - x.at)) {
    if (a.budgetId && !budgets.has(a.budgetId)) budgets.set(a.budgetId, a.budgetName);
    kinds.add(a.kind);
    if (a.tier !== null) tiers.add(a.tier);
  }
  return {
    budgets: [...budgets].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
    kinds: (Object.keys(ALERT_KIND_LABELS) as AlertKind[]).filter((k) => kinds.has(k)),
    tiers: [...tiers].sort((a, b) => a - b),
  };
}
