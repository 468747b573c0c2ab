import { describe, expect, it } from 'vitest';
import type { HierarchyNode, TeamsConfig } from '../../../../src/main/contract/hierarchy.js';
import type { RollupRow } from '../../../../src/main/contract/usage.js';
import { createTeams } from '../../../../src/main/core/hierarchy/teams.js';
import { buildTree } from '../../../../src/main/core/hierarchy/tree.js';
import { emptyRollup } from '../../../../src/main/core/ledger/rollups.js';
import { budgetStatus } from '../../../support/fixtures.js';

const TEAMS: TeamsConfig = {
  organization: 'Acme',
  teams: [
    { id: 'web', name: 'Web', projects: ['checkout', 'search'], keys: [], users: ['ana'] },
    { id: 'data', name: 'Data', projects: ['etl'], keys: ['k_data'], users: ['bo'] },
  ],
};

const row = (keyId: string, project: string | null, user: string | null, costUsd: number, requests = 1): RollupRow => ({
  ...emptyRollup('2026-11-10', 'openai', keyId, 'gpt-4o', project, user, null),
  costUsd,
  requests,
});

const ROWS = [
  row('k1', 'checkout', 'ana', 12.5, 5),
  row('k2', 'checkout', null, 2.25, 1),
  row('k1', 'search', 'ana', 4, 2),
  row('k_data', 'checkout', 'cy', 3, 1), // the key's team wins over the project's
  row('k3', 'etl', 'bo', 7.75, 3),
  row('k4', null, 'bo', 1, 1), // Data through its user
  row('k5', 'misc', null, 0.5, 1), // nobody's
];

function find(n: HierarchyNode, path: Array<string | null>): HierarchyNode {
  let cur = n;
  for (const id of path) {
    const next = cur.children.find((c) => c.id === id && (c.level !== 'user' || path.length > 0));
    if (!next) throw new Error(`no ${String(id)} under ${cur.name}`);
    cur = next;
  }
  return cur;
}

const sum = (list: HierarchyNode[]) => list.reduce((a, c) => a + c.spendUsd, 0);

function tree(statuses = [] as ReturnType<typeof budgetStatus>[], teams = TEAMS) {
  const t = createTeams({ initial: teams, onChange: () => {} });
  return buildTree({
    teams,
    rows: ROWS,
    statuses,
    keys: [{ id: 'k1', name: 'Ana laptop', project: 'checkout' }, { id: 'k_idle', name: 'Spare', project: 'search' }],
    teamOf: t.teamOf,
    from: '2026-11-01',
    to: '2026-11-30',
  });
}

describe('hierarchy tree', () => {
  it('rolls spend up every level with exact figures: each level adds up to the one above', () => {
    const { root, warnings } = tree();
    expect(warnings).toEqual([]);
    expect(root).toMatchObject({ level: 'org', name: 'Acme', spendUsd: 31, requests: 14 });
    const web = find(root, ['web']);
    const data = find(root, ['data']);
    const none = find(root, [null]);
    expect([web.spendUsd, web.requests]).toEqual([18.75, 8]);
    expect([data.spendUsd, data.requests]).toEqual([11.75, 5]);
    expect([none.name, none.spendUsd]).toEqual(['No team', 0.5]);
    expect(sum(root.children)).toBe(root.spendUsd);

    const projects = (n: HierarchyNode) => n.children.filter((c) => c.level === 'project');
    const users = (n: HierarchyNode) => n.children.filter((c) => c.level === 'user');
    expect(projects(web).map((p) => [p.id, p.spendUsd])).toEqual([
      ['checkout', 14.75],
      ['search', 4],
    ]);
    expect(users(web).map((u) => [u.id, u.spendUsd])).toEqual([
      ['ana', 16.5],
      [null, 2.25],
    ]);
    // Data's checkout spend came through its key; its no-project bucket through its user.
    expect(projects(data).map((p) => [p.id, p.spendUsd])).toEqual([
      ['etl', 7.75],
      ['checkout', 3],
      [null, 1],
    ]);
    expect(users(data).map((u) => [u.id, u.spendUsd])).toEqual([
      ['bo', 8.75],
      ['cy', 3],
    ]);
    for (const t of [web, data]) {
      expect(sum(projects(t))).toBeCloseTo(t.spendUsd, 12);
      expect(sum(users(t))).toBeCloseTo(t.spendUsd, 12);
      for (const p of projects(t)) expect(sum(p.children)).toBeCloseTo(p.spendUsd, 12);
    }
    const checkout = find(root, ['web', 'checkout']);
    expect(checkout.children.map((k) => [k.id, k.name, k.spendUsd])).toEqual([
      ['k1', 'Ana laptop', 12.5],
      ['k2', 'k2', 2.25],
    ]);
  });

  it('hangs each budget on its level, with utilization, and leaves per-run budgets out', () => {
    const { root } = tree([
      budgetStatus({ budget: { id: 'org', name: 'All', scope: {}, limitUsd: 100 }, spentUsd: 31, percent: 31 }),
      budgetStatus({ budget: { id: 'tw', name: 'Web', scope: { team: 'web' }, limitUsd: 50 }, spentUsd: 18.75, percent: 37.5 }),
      budgetStatus({ budget: { id: 'tw-opus', name: 'Web opus', scope: { team: 'web', model: 'claude-opus-*' }, limitUsd: 5 }, spentUsd: 4, percent: 80 }),
      budgetStatus({ budget: { id: 'pc', name: 'Checkout', scope: { project: 'checkout' }, limitUsd: 20 }, spentUsd: 14.75, percent: 73.75 }),
      budgetStatus({ budget: { id: 'ka', name: 'Spare key', scope: { keyId: 'k_idle' }, limitUsd: 2 } }),
      budgetStatus({ budget: { id: 'ub', name: 'Bo', scope: { user: 'bo' }, limitUsd: 9 }, spentUsd: 8.75, percent: 97.2 }),
      budgetStatus({ budget: { id: 'run', name: 'Runs', scope: { run: '*' }, limitUsd: 1 }, run: 'r1' }),
    ]);
    expect(root.budgets.map((b) => b.id)).toEqual(['org']);
    expect(root.percent).toBe(31);
    const web = find(root, ['web']);
    expect(web.budgets.map((b) => [b.id, b.whole])).toEqual([
      ['tw', true],
      ['tw-opus', false],
    ]);
    expect(web.percent).toBe(80);
    expect(find(root, ['web', 'checkout']).budgets.map((b) => [b.id, b.limitUsd, b.percent])).toEqual([['pc', 20, 73.75]]);
    // A key with no spend yet sits under the project it was made for.
    expect(find(root, ['web', 'search', 'k_idle']).budgets.map((b) => b.id)).toEqual(['ka']);
    expect(find(root, ['data', 'bo']).budgets.map((b) => b.id)).toEqual(['ub']);
    expect(JSON.stringify(root)).not.toContain('"run"');
  });

  it('warns, without refusing, when children’s budgets add up to more than the parent’s in the same period', () => {
    const statuses = [
      budgetStatus({ budget: { id: 'org', name: 'All', scope: {}, limitUsd: 100 } }),
      budgetStatus({ budget: { id: 'tw', name: 'Web', scope: { team: 'web' }, limitUsd: 70 } }),
      budgetStatus({ budget: { id: 'td', name: 'Data', scope: { team: 'data' }, limitUsd: 30.01 } }),
      // A weekly team budget is not part of the monthly sum, and a narrowed one is not the team's share.
      budgetStatus({ budget: { id: 'tdw', name: 'Data weekly', scope: { team: 'data' }, period: { kind: 'week', weekStartsOn: 1 }, limitUsd: 500 } }),
      budgetStatus({ budget: { id: 'two', name: 'Web opus', scope: { team: 'web', model: 'claude-*' }, limitUsd: 900 } }),
      budgetStatus({ budget: { id: 'pc', name: 'Checkout', scope: { project: 'checkout' }, limitUsd: 40 } }),
      budgetStatus({ budget: { id: 'ps', name: 'Search', scope: { project: 'search' }, limitUsd: 30 } }),
    ];
    const r = tree(statuses);
    expect(r.warnings).toEqual(['Acme: the monthly budgets of its teams add up to $100.01, more than its own $100.00 (Web $70.00, Data $30.01).']);
    expect(r.root.warnings).toEqual(r.warnings);

    // Exactly the parent's figure is fine.
    const fits = tree([...statuses.filter((s) => s.budget.id !== 'td'), budgetStatus({ budget: { id: 'td', name: 'Data', scope: { team: 'data' }, limitUsd: 30 } })]);
    expect(fits.warnings).toEqual([]);

    // A team over-committed to its projects is warned about on the team; a project's keys on the project.
    const over = tree([
      ...statuses.filter((s) => s.budget.id !== 'pc'),
      budgetStatus({ budget: { id: 'pc', name: 'Checkout', scope: { project: 'checkout' }, limitUsd: 40.5 } }),
      budgetStatus({ budget: { id: 'k1', name: 'Ana laptop', scope: { keyId: 'k1' }, limitUsd: 30 } }),
      budgetStatus({ budget: { id: 'k2', name: 'k2', scope: { keyId: 'k2' }, limitUsd: 10.5 } }),
      budgetStatus({ budget: { id: 'ua', name: 'Ana', scope: { user: 'ana' }, limitUsd: 80 } }),
    ]);
    expect(find(over.root, ['web']).warnings).toEqual([
      'Web: the monthly budgets of its projects add up to $70.50, more than its own $70.00 (checkout $40.50, search $30.00).',
      'Web: the monthly budgets of its users add up to $80.00, more than its own $70.00 (ana $80.00).',
    ]);
    expect(find(over.root, ['web', 'checkout']).warnings).toEqual([]);
    expect(over.warnings).toHaveLength(3); // the organization's, and the team's two

    const orphan = tree([budgetStatus({ budget: { id: 'x', name: 'Ops', scope: { team: 'ops' }, limitUsd: 5 } })]);
    expect(orphan.warnings).toEqual(['Budget "Ops" is scoped to team "ops", which no team lists: it counts no calls.']);
  });
});
