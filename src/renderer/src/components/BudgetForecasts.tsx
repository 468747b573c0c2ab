import type { BudgetStatus } from '../../../main/contract/budgets';
import { dayKeyIn } from '../../../shared/days';
import { formatDay, formatTokens, formatUsd } from '../lib/format';
import { budgetReach } from '../../../shared/forecast';

/** "At this rate Team monthly reaches $25.00 on Dec 3": one line per budget that spends towards a limit. */
export function budgetForecastLine(s: BudgetStatus, now: number, tz: string, firstUseAt: number | null): string | null {
  if (!s.budget.enabled || s.run !== null) return null;
  const r = budgetReach(s, now, firstUseAt);
  if (!r) return null;
  const limit = r.unit === 'usd' ? formatUsd(r.limit, { precise: true }) : `${formatTokens(r.limit)} tokens`;
  if (r.at === null) return `At this rate ${s.budget.name} stays under ${limit} until it resets on ${formatDay(dayKeyIn(s.resetsAt!, tz))}`;
  return `At this rate ${s.budget.name} reaches ${limit} on ${formatDay(dayKeyIn(r.at, tz))}`;
}

export function BudgetForecasts({ list, now, tz, firstUseAt, lowConfidence }: { list: readonly BudgetStatus[]; now: number; tz: string; firstUseAt: number | null; lowConfidence: boolean }) {
  const lines = list.map((s) => ({ id: s.budget.id, text: budgetForecastLine(s, now, tz, firstUseAt) })).filter((l): l is { id: string; text: string } => l.text !== null);
  if (lines.length === 0) return null;
  return (
    <div className="budget-forecasts">
      <h3>
        Forecast{' '}
        {lowConfidence && (
          <span className="badge badge-warn" title="Fewer than three whole days of data: the rate since first use may be far from a typical day's">
            low confidence
          </span>
        )}
      </h3>
      <ul>
        {lines.map((l) => (
          <li key={l.id}>{l.text}.</li>
        ))}
      </ul>
    </div>
  );
}
