import type { BudgetSuggestion } from '../../../main/contract/budgets';
import { Loading, Note } from '../components/States';
import type { Loadable } from '../store/store';

/**
 * Days of traffic a suggestion needs before it is shown: measure two to four weeks before setting limits, since a
 * day's average scaled to a month mostly suggests noise (the issue behind this saw "$260.00 a month" from 2 hours).
 */
export const SUGGESTION_MIN_DAYS = 14;

/** The suggestions with enough days behind them, and how many days the best-measured one has (for the wait note). */
export function readySuggestions(list: readonly BudgetSuggestion[]): { ready: BudgetSuggestion[]; mostDays: number } {
  return { ready: list.filter((s) => s.days >= SUGGESTION_MIN_DAYS), mostDays: list.reduce((m, s) => Math.max(m, s.days), 0) };
}

export function waitWords(mostDays: number): string {
  const so = mostDays > 0 ? ` (${mostDays} ${mostDays === 1 ? 'day' : 'days'} so far)` : '';
  return `Suggestions appear after ${SUGGESTION_MIN_DAYS} days of traffic${so}: limits set from less mostly measure noise.`;
}

/** Suggested budgets, collapsed: they are a starting point to open when wanted, not the page's lead. */
export function Suggestions({ suggestions, onUse }: { suggestions: Loadable<BudgetSuggestion[]>; onUse: (s: BudgetSuggestion) => void }) {
  const { ready, mostDays } = readySuggestions(suggestions.data ?? []);
  return (
    <section className="card" aria-labelledby="suggestions-title">
      <h2 id="suggestions-title">Suggestions</h2>
      {suggestions.data === null && suggestions.error === null && <Loading lines={1} />}
      {suggestions.error && <Note>{suggestions.error}</Note>}
      {suggestions.data !== null && ready.length === 0 && <p className="muted">{waitWords(mostDays)}</p>}
      {ready.length > 0 && (
        <details className="suggestions-box">
          <summary>
            {ready.length} {ready.length === 1 ? 'suggestion' : 'suggestions'} from your daily average and peak
          </summary>
          <ul className="suggestions">
            {ready.map((sg, i) => (
              <li key={`${sg.label}-${i}`}>
                <span>{sg.text}</span>
                <button type="button" onClick={() => onUse(sg)}>
                  Use this
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
