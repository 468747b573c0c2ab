import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetInput } from '../../../src/main/contract/budgets';
import type { AllocationRequest, HierarchyNode, HierarchyReport, TeamsConfig } from '../../../src/main/contract/hierarchy';
import { Teams } from '../../../src/renderer/src/views/Teams';
import { createFakeTransport } from '../support/fake-transport';
import { budget, settings, status, T0 } from '../support/fixtures';
import { renderWithStore, settle } from '../support/render';

let done: (() => void) | null = null;
afterEach(() => {
  done?.();
  done = null;
  cleanup();
});

const node = (o: Partial<HierarchyNode> & Pick<HierarchyNode, 'level' | 'id' | 'name'>): HierarchyNode => ({ spendUsd: 0, requests: 0, budgets: [], percent: null, children: [], warnings: [], ...o });
const hb = (id: string, name: string, limitUsd: number, spentUsd: number) => ({
  id,
  name,
  period: { kind: 'month' as const },
  limitUsd,
  spentUsd,
  percent: (spentUsd / limitUsd) * 100,
  state: 'ok' as const,
  whole: true,
});

const WARNING = 'Acme: the monthly budgets of its teams add up to $120.00, more than its own $100.00 (Web $80.00, Data $40.00).';
const REPORT: HierarchyReport = {
  from: '2026-11-01',
  to: '2026-11-28',
  warnings: [WARNING],
  root: node({
    level: 'org',
    id: null,
    name: 'Acme',
    spendUsd: 30,
    requests: 12,
    budgets: [hb('b_org', 'Acme', 100, 30)],
    percent: 30,
    warnings: [WARNING],
    children: [
      node({
        level: 'team',
        id: 'web',
        name: 'Web',
        spendUsd: 20,
        requests: 8,
        budgets: [hb('b_web', 'Team Web', 80, 20)],
        percent: 25,
        children: [
          node({ level: 'project', id: 'checkout', name: 'checkout', spendUsd: 20, requests: 8, children: [node({ level: 'key', id: 'key_a', name: 'Claude Code', spendUsd: 20, requests: 8 })] }),
          node({ level: 'user', id: 'ana', name: 'ana', spendUsd: 20, requests: 8 }),
        ],
      }),
      node({ level: 'team', id: 'data', name: 'Data', spendUsd: 10, requests: 4, budgets: [hb('b_data', 'Team Data', 40, 10)], percent: 25 }),
    ],
  }),
};
const TEAMS: TeamsConfig = { organization: 'Acme', teams: [{ id: 'web', name: 'Web', projects: ['checkout'], keys: [], users: ['ana'] }] };

function transport(extra: Parameters<typeof createFakeTransport>[0] = {}) {
  return createFakeTransport({
    'status.get': () => status(),
    'settings.get': () => settings(),
    'budgets.list': () => [],
    'hierarchy.report': () => REPORT,
    'teams.get': () => TEAMS,
    ...extra,
  });
}

const rowOf = (level: string, id: string) => document.querySelector(`[data-node="${level}:${id}"] > .tree-row`) as HTMLElement;

describe('teams view', () => {
  it('draws the hierarchy as a tree: each level’s rolled-up spend, its fullest budget’s bar, and the over-allocation warning', async () => {
    done = (await renderWithStore(<Teams />, transport(), T0)).unmount;
    const org = rowOf('org', '');
    expect(org.textContent).toContain('$30.00 · 12 requests');
    expect(within(org).getByRole('meter', { name: 'Acme: 30% of Acme' }).getAttribute('aria-valuenow')).toBe('30');
    expect(rowOf('team', 'web').textContent).toContain('$20.00 · 8 requests');
    expect(within(rowOf('team', 'web')).getByRole('link', { name: 'Team Web · $20.00 of $80.00' }).getAttribute('href')).toBe('#/budgets/b_web');
    expect(rowOf('key', 'key_a').textContent).toContain('Claude Code');
    expect(rowOf('project', 'checkout').textContent).toContain('no budget');
    expect(screen.getByRole('note').textContent).toContain(WARNING);
    expect([...document.querySelectorAll('.hierarchy-warnings li')].map((li) => li.textContent)).toEqual([WARNING]);
    expect(screen.getByText('1 user of Web')).toBeTruthy();
  });

  it('saves the teams from the editor’s comma lists, and shows a refused field on its row', async () => {
    const saved: TeamsConfig[] = [];
    const t = transport({
      'teams.set': (cfg: TeamsConfig) => {
        saved.push(cfg);
        if (cfg.teams.length > 1) throw Object.assign(new Error('teams[1].projects[0]: "checkout" already belongs to team "web"'), { code: 'invalid', field: 'teams[1].projects[0]' });
        return { teams: cfg, warnings: [] };
      },
    });
    done = (await renderWithStore(<Teams />, t, T0)).unmount;
    const editor = screen.getByRole('region', { name: 'Teams' });
    fireEvent.change(within(editor).getByLabelText('Users'), { target: { value: 'ana,  bo ,' } });
    fireEvent.click(within(editor).getByRole('button', { name: 'Save teams' }));
    await settle();
    expect(saved[0]).toEqual({ organization: 'Acme', teams: [{ id: 'web', name: 'Web', projects: ['checkout'], keys: [], users: ['ana', 'bo'] }] });

    fireEvent.click(within(editor).getByRole('button', { name: 'Add a team' }));
    const second = within(editor).getAllByRole('group')[1]!;
    fireEvent.change(within(second).getByLabelText('Id'), { target: { value: 'ops' } });
    fireEvent.change(within(second).getByLabelText('Name'), { target: { value: 'Ops' } });
    fireEvent.change(within(second).getByLabelText('Projects'), { target: { value: 'checkout' } });
    fireEvent.click(within(editor).getByRole('button', { name: 'Save teams' }));
    await settle();
    expect(within(second).getByLabelText('Projects').getAttribute('aria-invalid')).toBe('true');
    expect(within(second).getByText('"checkout" already belongs to team "web"')).toBeTruthy();
  });

  it('proposes an allocation and creates only the budgets the user keeps ticked, through budgets.create', async () => {
    const asked: AllocationRequest[] = [];
    const created: BudgetInput[] = [];
    const t = transport({
      'allocation.propose': (req: AllocationRequest) => {
        asked.push(req);
        return {
          strategy: 'top-down',
          parent: { level: 'team', id: 'web', limitUsd: 90 },
          items: [
            { level: 'project', id: 'checkout', limitUsd: 60, basis: '2 of 3 shares of $90.00' },
            { level: 'user', id: 'ana', limitUsd: 30, basis: '1 of 3 shares of $90.00' },
          ],
          unallocatedUsd: 0,
          budgets: [
            { name: 'Team Web', scope: { team: 'web' }, period: { kind: 'month' }, limitUsd: 90, limitTokens: null },
            { name: 'Project checkout', scope: { project: 'checkout' }, period: { kind: 'month' }, limitUsd: 60, limitTokens: null },
            { name: 'User ana', scope: { user: 'ana' }, period: { kind: 'month' }, limitUsd: 30, limitTokens: null },
          ],
          warnings: [],
        };
      },
      'budgets.create': (b: BudgetInput) => {
        created.push(b);
        return { ...budget({ name: b.name, scope: b.scope, limitUsd: b.limitUsd }) };
      },
    });
    done = (await renderWithStore(<Teams />, t, T0)).unmount;
    const form = screen.getByRole('region', { name: 'Allocate budgets' });
    fireEvent.change(within(form).getByLabelText('Split'), { target: { value: 'web' } });
    fireEvent.change(within(form).getByLabelText('Monthly total ($)'), { target: { value: '90' } });
    fireEvent.change(within(form).getByLabelText('Weight: project checkout'), { target: { value: '2' } });
    fireEvent.change(within(form).getByLabelText('Weight: user ana'), { target: { value: '1' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Propose' }));
    await settle();
    expect(asked).toEqual([
      {
        strategy: 'top-down',
        parent: { level: 'team', id: 'web' },
        totalUsd: 90,
        targets: [
          { level: 'project', id: 'checkout', weight: 2 },
          { level: 'user', id: 'ana', weight: 1 },
        ],
      },
    ]);
    expect(within(form).getByText('2 of 3 shares of $90.00')).toBeTruthy();
    expect(created).toEqual([]); // a proposal changes nothing

    fireEvent.click(within(form).getByRole('checkbox', { name: /User ana/ }));
    fireEvent.click(within(form).getByRole('button', { name: 'Create 2 budgets' }));
    await settle();
    expect(created.map((b) => [b.name, b.limitUsd])).toEqual([
      ['Team Web', 90],
      ['Project checkout', 60],
    ]);
    expect(t.calls.filter((c) => c.channel === 'hierarchy.report').length).toBeGreaterThan(1);
  });
});
