import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetAlert } from '../../../src/main/contract/budgets';
import { Activity } from '../../../src/renderer/src/views/Activity';
import { createFakeTransport } from '../support/fake-transport';
import { key, PROVIDERS, settings, status, T0 } from '../support/fixtures';
import { renderWithStore, settle } from '../support/render';

let done: (() => void) | null = null;
afterEach(() => {
  done?.();
  cleanup();
});

const H = 3_600_000;
function alert(o: Partial<BudgetAlert>): BudgetAlert {
  return {
    id: 'a',
    kind: 'threshold',
    budgetId: 'team',
    budgetName: 'Team monthly',
    tier: 50,
    spentUsd: 12.5,
    limitUsd: 25,
    spentTokens: null,
    limitTokens: null,
    periodKey: '2026-11',
    resetsAt: null,
    title: 'Budget "Team monthly" at 50%',
    body: '$12.50 of $25.00.',
    at: T0 - H,
    ...o,
  };
}

const alerts = [
  alert({ id: 'cc-stop', kind: 'hard-stop', budgetId: 'cc', budgetName: 'Claude Code weekly', tier: 100, title: 'Budget "Claude Code weekly" reached its hard stop', at: T0 - 2 * H }),
  alert({ id: 't80', tier: 80, title: 'Budget "Team monthly" at 80%', at: T0 - 3 * H }),
  alert({ id: 't50', at: T0 - 50 * H }),
];
const block = (id: string, at: number) => ({ id, at, kind: 'block' as const, budgetId: 'cc', requestId: null, message: 'Blocked claude-sonnet-4-5 on Claude Code: Claude Code weekly at 104%' });

const transport = () =>
  createFakeTransport({
    'status.get': () => status(),
    'settings.get': () => settings(),
    'keys.list': () => [key('key_a', { name: 'Claude Code' })],
    'providers.list': () => PROVIDERS,
    'requests.recent': () => [],
    'alerts.recent': () => alerts,
    'audit.list': (q) =>
      [
        ...Array.from({ length: 46 }, (_, i) => block(`b${i}`, T0 - i * 1000)),
        { id: 'o1', at: T0 - 100_000, kind: 'override' as const, budgetId: 'cc', requestId: null, message: 'Override on Claude Code weekly: +$10 until 18:00' },
      ].filter((e) => !q?.kind || e.kind === q.kind),
  });

const rowsOf = (name: string) => within(screen.getByRole('table', { name })).getAllByRole('row').slice(1);

describe('alert history and audit log in Activity', () => {
  it('lists every alert the core keeps, with links to the budgets, and filters by budget, kind, tier and time', async () => {
    const t = transport();
    done = (await renderWithStore(<Activity />, t, T0)).unmount;
    expect(t.calls.some((c) => c.channel === 'alerts.recent' && (c.input as { limit: number }).limit === 200)).toBe(true);
    expect(rowsOf('Alert history').map((r) => within(r).getByRole('link').textContent)).toEqual(['Claude Code weekly', 'Team monthly', 'Team monthly']);
    expect(within(rowsOf('Alert history')[0]!).getByRole('link').getAttribute('href')).toBe('#/budgets/cc');
    expect(rowsOf('Alert history')[0]!.className).toBe('row-bad');

    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('Budget'), 'team');
    expect(rowsOf('Alert history').map((r) => within(r).getByText(/^Budget "/).textContent)).toEqual(['Budget "Team monthly" at 80%', 'Budget "Team monthly" at 50%']);
    await user.selectOptions(screen.getByLabelText('When'), 'day');
    expect(rowsOf('Alert history')).toHaveLength(1);
    await user.selectOptions(screen.getByLabelText('Tier'), '50');
    expect(rowsOf('Alert history')[0]!.textContent).toBe('No alert matches these filters.');
    await user.selectOptions(screen.getByLabelText('Budget'), '');
    await user.selectOptions(screen.getByLabelText('Tier'), '');
    await user.selectOptions(screen.getByLabelText('Alert kind'), 'hard-stop');
    expect(rowsOf('Alert history').map((r) => within(r).getByText('hard stop').className)).toEqual(['badge badge-bad']);
  });

  it('adds an alert pushed live to the history', async () => {
    const t = transport();
    done = (await renderWithStore(<Activity />, t, T0)).unmount;
    t.emit('budget.alert', alert({ id: 'g', kind: 'guardrail', tier: 100, title: 'Daily guardrail of "Team monthly" reached', at: T0 }));
    await settle();
    expect(within(rowsOf('Alert history')[0]!).getByText('Daily guardrail of "Team monthly" reached')).toBeTruthy();
  });

  it('collapses 46 identical blocks into one row with a count, and filters the log by kind through the core', async () => {
    const t = transport();
    done = (await renderWithStore(<Activity />, t, T0)).unmount;
    const rows = rowsOf('Audit log');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText('×46')).toBeTruthy();
    expect(within(rows[1]!).queryByText(/^×/)).toBeNull();
    await userEvent.setup().selectOptions(screen.getByLabelText('Entry kind'), 'override');
    await settle();
    expect(t.calls.at(-1)).toEqual({ channel: 'audit.list', input: { limit: 200, kind: 'override' } });
    expect(rowsOf('Audit log').map((r) => within(r).getByText(/Override on/).textContent)).toEqual(['Override on Claude Code weekly: +$10 until 18:00']);
  });
});
