import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllocationProposal, HierarchyNode, HierarchyReport, TeamsConfig } from '../../../../src/main/contract/hierarchy.js';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, tempDir, type Tollgate } from '../../../support/harness.js';
import { records } from '../../../support/wait.js';

const TEAMS: TeamsConfig = {
  organization: 'Acme',
  teams: [
    { id: 'web', name: 'Web', projects: ['checkout'], keys: [], users: ['ana'] },
    { id: 'data', name: 'Data', projects: ['etl'], keys: [], users: [] },
  ],
};

let fake: FakeUpstream;
let tg: Tollgate;
const dataDir = tempDir();

beforeAll(async () => {
  fake = await startFakeUpstream();
  tg = await startTollgate({ upstream: fake.url, dataDir });
});
afterAll(async () => {
  await tg.stop();
  await fake.close();
});

const send = (headers: Record<string, string>) =>
  fetch(`${tg.url}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-hier-000000000000001', 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });

const node = (n: HierarchyNode, id: string | null, level?: string): HierarchyNode => n.children.find((c) => c.id === id && (!level || c.level === level))!;

describe('hierarchy through the admin API and the proxy', () => {
  it('refuses teams that claim the same project, naming the field', async () => {
    const bad = { organization: 'Acme', teams: [...TEAMS.teams, { id: 'ops', name: 'Ops', projects: ['checkout'], keys: [], users: [] }] };
    const r = await tg.admin('teams.set', bad);
    expect(r.status).toBe(400);
    expect(r.body.error?.field).toBe('teams[2].projects[0]');
    expect(r.body.error?.message).toContain('already belongs to team "web"');
    expect((await tg.admin<TeamsConfig>('teams.get')).body.data).toEqual({ organization: 'Organization', teams: [] });
  });

  it('rolls real calls up organization → team → project and user, matching spend.query to the cent', async () => {
    expect((await tg.admin<{ warnings: string[] }>('teams.set', TEAMS)).body.data!.warnings).toEqual([]);
    for (const h of <Record<string, string>[]>[{ 'x-tollgate-project': 'checkout', 'x-tollgate-user': 'ana' }, { 'x-tollgate-project': 'checkout' }, { 'x-tollgate-project': 'etl' }, { 'x-tollgate-user': 'ana' }, {}]) {
      expect((await send(h)).status).toBe(200);
    }
    await records(tg.core, 5);
    const spend = await tg.admin<{ rows: Array<{ project: string | null; user: string | null; costUsd: number }>; totals: { costUsd: number } }>('spend.query', { groupBy: ['project', 'user'] });
    const cost = (project: string | null, user: string | null) => spend.body.data!.rows.find((r) => r.project === project && r.user === user)?.costUsd ?? 0;
    const each = cost('etl', null);
    expect(each).toBeGreaterThan(0);

    const rep = (await tg.admin<HierarchyReport>('hierarchy.report')).body.data!;
    expect(rep.root.spendUsd).toBeCloseTo(spend.body.data!.totals.costUsd, 12);
    const web = node(rep.root, 'web');
    expect(web.requests).toBe(3);
    expect(web.spendUsd).toBeCloseTo(cost('checkout', 'ana') + cost('checkout', null) + cost(null, 'ana'), 12);
    expect(node(web, 'checkout', 'project').requests).toBe(2);
    expect(node(web, null, 'project').requests).toBe(1); // ana's call with no project
    expect(node(web, 'ana', 'user').requests).toBe(2);
    expect(node(rep.root, 'data').requests).toBe(1);
    expect(node(rep.root, null).requests).toBe(1);
  });

  it('enforces a team budget on the team’s calls only, and warns when it over-allocates its parent', async () => {
    const org = await tg.admin<{ id: string; warnings?: string[] }>('budgets.create', { name: 'Acme', period: { kind: 'month' }, limitUsd: 10 });
    expect(org.body.data!.warnings).toBeUndefined();
    const data = await tg.admin<{ id: string; warnings?: string[] }>('budgets.create', { name: 'Data', scope: { team: 'data' }, period: { kind: 'month' }, limitUsd: 9 });
    expect(data.body.data!.warnings).toBeUndefined();
    const check = await tg.admin<{ warnings: string[] }>('hierarchy.check', { scope: { team: 'web' }, limitUsd: 1.5 });
    expect(check.body.data!.warnings).toEqual(['Acme: the monthly budgets of its teams add up to $10.50, more than its own $10.00 (Web $1.50, Data $9.00).']);

    // So small nothing fits: every call of team Web is refused, Data's and nobody's go through.
    const web = await tg.admin<{ id: string; warnings?: string[] }>('budgets.create', { name: 'Web', scope: { team: 'web' }, period: { kind: 'month' }, limitUsd: 0.000001, hardStopPercent: 100 });
    expect(web.status).toBe(200);
    expect(web.body.data!.warnings).toBeUndefined(); // $9.000001 fits in $10
    expect((await send({ 'x-tollgate-project': 'checkout' })).status).toBe(402);
    expect((await send({ 'x-tollgate-user': 'ana', 'x-tollgate-project': 'misc' })).status).toBe(402);
    expect((await send({ 'x-tollgate-project': 'etl' })).status).toBe(200);
    expect((await send({ 'x-tollgate-project': 'misc' })).status).toBe(200);

    const over = await tg.admin<{ warnings?: string[] }>('budgets.update', { id: data.body.data!.id, limitUsd: 12 });
    expect(over.body.data!.warnings).toEqual(['Acme: the monthly budgets of its teams add up to $12.00, more than its own $10.00 (Web $0.00, Data $12.00).']);
    const rep = (await tg.admin<HierarchyReport>('hierarchy.report')).body.data!;
    expect(rep.warnings).toEqual(over.body.data!.warnings);
    expect(node(rep.root, 'web').budgets.map((b) => b.name)).toEqual(['Web']);
  });

  it('proposes an allocation and keeps the teams across a restart', async () => {
    const p = await tg.admin<AllocationProposal>('allocation.propose', {
      strategy: 'top-down',
      parent: { level: 'team', id: 'web' },
      totalUsd: 90,
      targets: [
        { level: 'project', id: 'checkout', weight: 2 },
        { level: 'user', id: 'ana', weight: 1 },
      ],
    });
    expect(p.body.data!.budgets.map((b) => [b.name, b.limitUsd])).toEqual([
      ['Team Web', 90],
      ['Project checkout', 60],
      ['User ana', 30],
    ]);
    tg.core.flush();
    await tg.stop();
    tg = await startTollgate({ upstream: fake.url, dataDir });
    expect((await tg.admin<TeamsConfig>('teams.get')).body.data).toEqual(TEAMS);
    // The team budget still finds its team's calls after the restart.
    expect((await send({ 'x-tollgate-project': 'checkout' })).status).toBe(402);
  });
});
