import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetStatus } from '../../../src/main/contract/budgets';
import { Budgets } from '../../../src/renderer/src/views/Budgets';
import { createFakeTransport } from '../support/fake-transport';
import { budgetStatus, key, PROVIDERS, settings, status, T0 } from '../support/fixtures';
import { renderWithStore } from '../support/render';

let done: (() => void) | null = null;
afterEach(() => {
  done?.();
  done = null;
  cleanup();
});

const render = (list: BudgetStatus[]) =>
  renderWithStore(
    <Budgets />,
    createFakeTransport({
      'status.get': () => status(),
      'settings.get': () => settings(),
      'keys.list': () => [key('key_a')],
      'providers.list': () => PROVIDERS,
      'budgets.list': () => list,
      'budgets.suggestions': () => [],
      'requests.recent': () => [],
      'alerts.recent': () => [],
    }),
    T0,
  );

describe('the Budgets view', () => {
  it('lists every run of a per-run budget, each with its own state, as the Overview does', async () => {
    const perRun = { id: 'b_runs', name: 'Agent runs', scope: { run: '*' }, limitUsd: 0.15 };
    const blocked = budgetStatus({ run: 'run-a', spentUsd: 0.18, effectiveLimitUsd: 0.15, percent: 120, state: 'stopped', fired: [50, 80, 100] }, perRun);
    const fresh = budgetStatus({ run: 'run-b', spentUsd: 0.03, effectiveLimitUsd: 0.15, percent: 20, state: 'ok', fired: [] }, perRun);
    const plain = budgetStatus({}, { id: 'b_month', name: 'Monthly' });
    done = (await render([fresh, blocked, plain])).unmount;

    const card = screen.getByRole('article', { name: 'Agent runs' });
    const runs = within(card).getByRole('region', { name: 'Runs (2)' });
    const meters = within(runs).getAllByRole('meter');
    expect(meters.map((m) => m.getAttribute('aria-label'))).toEqual([expect.stringContaining('run-b'), expect.stringContaining('run-a')]);
    const rows = runs.querySelectorAll('.meter-row');
    expect(rows).toHaveLength(2);
    expect(rows[1]!.textContent).toContain('hard-stopped');
    expect(rows[0]!.textContent).toContain('under 50%');
    // One card per budget, not per run; a budget without runs keeps its single meter.
    expect(screen.getAllByRole('article')).toHaveLength(2);
    expect(within(screen.getByRole('article', { name: 'Monthly' })).getAllByRole('meter')).toHaveLength(1);
  });
});
