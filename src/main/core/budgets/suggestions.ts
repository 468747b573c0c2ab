import type { BudgetScope, BudgetSuggestion } from '../../contract/budgets.js';
import type { RollupRow } from '../../contract/usage.js';
import { usd } from './format.js';

/** Suggested monthly budget: 150–200% of the baseline month; the middle is used. Guardrail: 10–15% of it. */
const MONTHLY_HEADROOM = 1.75;
const GUARDRAIL_SHARE = 0.125;

/** Rounds up to two significant digits: coarse enough to read, fine enough to stay inside the 150–200% band. */
function niceCeil(v: number): number {
  if (v <= 0) return 0;
  const step = 10 ** (Math.floor(Math.log10(v)) - 1);
  return Math.round(Math.ceil(v / step - 1e-9) * step * 100) / 100;
}

export interface SuggestionInput {
  rollups: RollupRow[];
  /** Day keys of the last WINDOW_DAYS days, oldest first, ending today, in the configured zone. */
  days: string[];
  /** Day keys of this month so far, and how many days the month has. */
  monthDays: string[];
  daysInMonth: number;
  keyLabel: (id: string) => string;
}

/**
 * Baselines per key and per project from the ledger: daily average and peak over the last three weeks, the
 * week-over-week trend, a month-end forecast from the recent burn rate, and the budgets that follow from them.
 */
export function suggestBudgets(input: SuggestionInput): BudgetSuggestion[] {
  const daySet = new Set(input.days);
  const monthSet = new Set(input.monthDays);
  const groups = new Map<string, { scope: BudgetScope; label: string; perDay: Map<string, number>; month: number }>();
  const add = (id: string, scope: BudgetScope, label: string, row: RollupRow) => {
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { scope, label, perDay: new Map(), month: 0 }));
    if (daySet.has(row.day)) g.perDay.set(row.day, (g.perDay.get(row.day) ?? 0) + row.costUsd);
    if (monthSet.has(row.day)) g.month += row.costUsd;
  };
  for (const r of input.rollups) {
    if (!daySet.has(r.day) && !monthSet.has(r.day)) continue;
    add(`key:${r.keyId}`, { keyId: r.keyId }, `key ${input.keyLabel(r.keyId)}`, r);
    if (r.project) add(`project:${r.project}`, { project: r.project }, `project ${r.project}`, r);
  }
  const out: BudgetSuggestion[] = [];
  for (const g of groups.values()) {
    const firstActive = input.days.findIndex((d) => (g.perDay.get(d) ?? 0) > 0);
    if (firstActive === -1) continue;
    // Average from the first day with spend: a key created last week has a one-week baseline, not a diluted one.
    const span = input.days.slice(firstActive);
    const series = span.map((d) => g.perDay.get(d) ?? 0);
    const total = series.reduce((a, b) => a + b, 0);
    const avg = total / series.length;
    const peak = Math.max(...series);
    const last7 = series.slice(-7);
    const prev7 = series.slice(-14, -7);
    const avgOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const trend = prev7.length === 7 && avgOf(prev7) > 0 ? ((avgOf(last7) - avgOf(prev7)) / avgOf(prev7)) * 100 : null;
    const monthly = niceCeil(avg * 30 * MONTHLY_HEADROOM);
    const guard = niceCeil(monthly * GUARDRAIL_SHARE);
    const remaining = Math.max(0, input.daysInMonth - input.monthDays.length);
    const forecast = g.month + avgOf(last7) * remaining;
    out.push({
      scope: g.scope,
      label: g.label,
      days: series.length,
      dailyAverageUsd: avg,
      dailyPeakUsd: peak,
      weeklyTrendPercent: trend,
      suggestedMonthlyUsd: monthly,
      suggestedDailyGuardrailUsd: guard,
      forecastMonthEndUsd: forecast,
      text: `${g.label}: ${usd(avg)} a day over the last ${series.length} days → ${usd(monthly)} a month, ${usd(guard)} a day guardrail; on track for ${usd(forecast)} this month.`,
    });
  }
  return out.sort((a, b) => b.dailyAverageUsd - a.dailyAverageUsd);
}
