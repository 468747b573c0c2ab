import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetSuggestion } from '../../../src/main/contract/budgets';
import { Budgets } from '../../../src/renderer/src/views/Budgets';
import { createFakeTransport } from '../support/fake-transport';
import { key, PROVIDERS, settings, status, T0 } from '../support/fixtures';
import { renderWithStore } from '../support/render';

let done: (() => void) | null = null;
afterEach(() => {
  done?.();
  done = null;
  cleanup();
});

const suggestion = (days: number, label: string): BudgetSuggestion => ({
  scope: { provider: 'anthropic' },
  label,
  days,
  dailyAverageUsd: 4.83,
  dailyPeakUsd: 9,
  weeklyTrendPercent: null,
  suggestedMonthlyUsd: 260,
  suggestedDailyGuardrailUsd: 18,
  forecastMonthEndUsd: 138.8,
  text: `${label}: $4.83 a day over the last ${days} days → $260.00 a month, $18.00 a day guardrail; on track for $138.80 this month.`,
});

const render = (list: BudgetSuggestion[]) =>
  renderWithStore(
    <Budgets />,
    createFakeTransport({
      'status.get': () => status(),
      'settings.get': () => settings(),
      'keys.list': () => [key('key_a')],
      'providers.list': () => PROVIDERS,
      'budgets.list': () => [],
      'budgets.suggestions': () => list,
      'requests.recent': () => [],
      'alerts.recent': () => [],
    }),
    T0,
  );

describe('budget suggestions', () => {
  it('are hidden until 14 days of traffic, saying how many days there are so far', async () => {
    done = (await render([suggestion(1, 'Anthropic'), suggestion(13, 'OpenAI')])).unmount;
    const section = screen.getByRole('region', { name: 'Suggestions' });
    expect(within(section).getByText('Suggestions appear after 14 days of traffic (13 days so far): limits set from less mostly measure noise.')).toBeTruthy();
    expect(within(section).queryByText(/a day over the last/)).toBeNull();
    expect(within(section).queryByRole('button', { name: 'Use this' })).toBeNull();
  });

  it('then appear collapsed, only those with enough days, and open on request', async () => {
    done = (await render([suggestion(3, 'Anthropic'), suggestion(21, 'OpenAI')])).unmount;
    const section = screen.getByRole('region', { name: 'Suggestions' });
    const details = section.querySelector('details')!;
    expect(details.open).toBe(false);
    const summary = within(section).getByText('1 suggestion from your daily average and peak');
    await userEvent.setup().click(summary);
    expect(details.open).toBe(true);
    expect(within(section).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'OpenAI: $4.83 a day over the last 21 days → $260.00 a month, $18.00 a day guardrail; on track for $138.80 this month.Use this',
    ]);
  });
});
