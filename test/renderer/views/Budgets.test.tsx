import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetStatus } from '../../../src/main/contract/budgets';
import { Budgets } from '../../../src/renderer/src/views/Budgets';
import { createFakeTransport } from '../support/fake-transport';
import { budgetStatus, key, PROVIDERS, settings, status, T0 } from '../support/fixtures';
import { renderWithStore, settle } from '../support/render';

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

describe('the Budgets view in team mode', () => {
  const TEAM = { redis: 'redis://team.example:6379/', link: 'up' as const, downSince: null, pendingReplay: 0, instanceId: 'i1', defaultFailModes: { hardStop: 'closed' as const, noHardStop: 'open' as const } };

  /** A core in team mode as far as the view sees it: the fail modes it keeps, answered back by status.get. */
  const renderTeam = async (list: BudgetStatus[]) => {
    // Edit scrolls to the form; jsdom has no layout to scroll.
    window.scrollTo = (() => {}) as typeof window.scrollTo;
    const failModes: Record<string, 'open' | 'closed' | 'local'> = {};
    const t = createFakeTransport({
      'status.get': () => status({ team: { ...TEAM, failModes: { ...failModes } } }),
      'settings.get': () => settings(),
      'keys.list': () => [key('key_a')],
      'providers.list': () => PROVIDERS,
      'budgets.list': () => [...list],
      'budgets.suggestions': () => [],
      'budgets.update': ({ id }) => ({ ...list.find((s) => s.budget.id === id)!.budget }),
      'budgets.create': (input) => {
        const s = budgetStatus({}, { ...input, id: 'b_new', hardStopPercent: input.hardStopPercent ?? null });
        list.push(s);
        return s.budget;
      },
      'team.setFailMode': ({ budgetId, mode }) => {
        if (mode === 'default') delete failModes[budgetId];
        else failModes[budgetId] = mode;
        return { ...failModes };
      },
      'requests.recent': () => [],
      'alerts.recent': () => [],
    });
    done = (await renderWithStore(<Budgets />, t, T0)).unmount;
    return t;
  };

  it('shows each budget’s fail mode, and sets one from the budget form', async () => {
    const t = await renderTeam([budgetStatus({}, { id: 'b_stop', name: 'Team month' }), budgetStatus({}, { id: 'b_soft', name: 'Soft', hardStopPercent: null })]);
    const card = screen.getByRole('article', { name: 'Team month' });
    expect(within(card).getByText(/While the team link is down/).textContent).toBe('While the team link is down: blocks calls (closed), the team default.');
    expect(within(screen.getByRole('article', { name: 'Soft' })).getByText(/While the team link is down/).textContent).toContain("goes on against this machine's counters (open), the team default");

    const user = userEvent.setup();
    await user.click(within(card).getByRole('button', { name: 'Edit' }));
    const select = screen.getByLabelText<HTMLSelectElement>('While the team link is down');
    expect(select.value).toBe('default');
    expect(select.options[0]!.textContent).toBe('Team default: blocks calls (closed)');
    // The default named follows the hard stop as it is in the form.
    await user.click(screen.getByLabelText(/Hard stop/));
    expect(select.options[0]!.textContent).toBe("Team default: goes on against this machine's counters (open)");
    await user.click(screen.getByLabelText(/Hard stop/));
    await user.selectOptions(select, 'open');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await settle();

    expect(t.calls.filter((c) => c.channel === 'team.setFailMode').map((c) => c.input)).toEqual([{ budgetId: 'b_stop', mode: 'open' }]);
    expect(screen.queryByLabelText('While the team link is down')).toBeNull();
    expect(within(screen.getByRole('article', { name: 'Team month' })).getByText(/While the team link is down/).textContent).toBe("While the team link is down: goes on against this machine's counters (open).");

    // Saving again without touching it sends nothing; back to the default sends "default".
    await user.click(within(screen.getByRole('article', { name: 'Team month' })).getByRole('button', { name: 'Edit' }));
    expect(screen.getByLabelText<HTMLSelectElement>('While the team link is down').value).toBe('open');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await settle();
    expect(t.calls.filter((c) => c.channel === 'team.setFailMode')).toHaveLength(1);
    await user.click(within(screen.getByRole('article', { name: 'Team month' })).getByRole('button', { name: 'Edit' }));
    await user.selectOptions(screen.getByLabelText('While the team link is down'), 'default');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await settle();
    expect(t.calls.filter((c) => c.channel === 'team.setFailMode').at(-1)!.input).toEqual({ budgetId: 'b_stop', mode: 'default' });
    expect(within(screen.getByRole('article', { name: 'Team month' })).getByText(/While the team link is down/).textContent).toContain('the team default');
  });

  it('sets the fail mode of a budget it creates, once the budget exists', async () => {
    const t = await renderTeam([]);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'New budget' }));
    await user.type(screen.getByLabelText('Name'), 'Soft team');
    await user.type(screen.getByLabelText('Limit, $'), '40');
    await user.click(screen.getByLabelText(/Hard stop/));
    const select = screen.getByLabelText<HTMLSelectElement>('While the team link is down');
    expect(select.options[0]!.textContent).toBe("Team default: goes on against this machine's counters (open)");
    await user.selectOptions(select, 'closed');
    await user.click(screen.getByRole('button', { name: 'Create budget' }));
    await settle();
    const sent = t.calls.filter((c) => c.channel === 'budgets.create' || c.channel === 'team.setFailMode').map((c) => c.channel);
    expect(sent).toEqual(['budgets.create', 'team.setFailMode']);
    expect(t.calls.find((c) => c.channel === 'team.setFailMode')!.input).toEqual({ budgetId: 'b_new', mode: 'closed' });
    expect(within(await screen.findByRole('article', { name: 'Soft team' })).getByText(/While the team link is down/).textContent).toBe('While the team link is down: blocks calls (closed).');
  });

  it('has no fail mode outside team mode', async () => {
    window.scrollTo = (() => {}) as typeof window.scrollTo;
    done = (await render([budgetStatus({}, { id: 'b_1', name: 'Solo' })])).unmount;
    expect(screen.queryByText(/While the team link is down/)).toBeNull();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Edit' }));
    expect(screen.queryByLabelText('While the team link is down')).toBeNull();
  });
});
