import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamRollupDto } from '../../../../src/main/contract/api.js';
import type { BudgetStatus } from '../../../../src/main/contract/budgets.js';
import { redisMissing, startRedis, type RedisServer } from '../../../support/redis-server.js';
import { chat, startMeteredUpstream, startTeamTollgate, until, type MeteredUpstream } from './support.js';

const missing = redisMissing();
const SECRET = 'sk-proj-team-sync-secret-0000000000000001';

/** What the team shares besides spend: definitions, overrides, switches; and what it never shares: keys. */
describe.skipIf(missing !== null)('team mode: shared definitions and switches', () => {
  let redis: RedisServer;
  let up: MeteredUpstream;
  let tgs: Awaited<ReturnType<typeof startTeamTollgate>>[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    up = await startMeteredUpstream();
    tgs = await Promise.all([0, 1].map(() => startTeamTollgate(up.url, redis.url)));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(tgs.map((t) => t.stop()));
    await up?.close();
    await redis?.stop();
  });

  const listOf = async (t: (typeof tgs)[0]) => (await t.admin<BudgetStatus[]>('budgets.list')).body.data!;

  it('an edit, an override and the pause switch made on one instance reach the other', async () => {
    const [a, b] = tgs as [(typeof tgs)[0], (typeof tgs)[0]];
    const id = (await a.admin<{ id: string }>('budgets.create', { name: 'Synced', period: { kind: 'month' }, limitUsd: 50 })).body.data!.id;
    await until(async () => (await listOf(b)).some((x) => x.budget.id === id), 10_000, 'create to sync');
    expect((await a.admin('budgets.update', { id, limitUsd: 75 })).status).toBe(200);
    await until(async () => (await listOf(b)).find((x) => x.budget.id === id)?.budget.limitUsd === 75, 10_000, 'update to sync');
    expect((await a.admin('budgets.override', { budgetId: id, addUsd: 25, minutes: 60, reason: 'launch week' })).status).toBe(200);
    await until(async () => (await listOf(b)).find((x) => x.budget.id === id)?.effectiveLimitUsd === 100, 10_000, 'override to sync');

    expect((await a.admin('settings.update', { paused: true })).status).toBe(200);
    await until(async () => (await b.core.api['status.get'](undefined)).paused, 10_000, 'pause to sync');
    expect((await chat(b.url, 'gpt-4o-mini', 10)).status).toBe(402);
    expect((await b.admin('settings.update', { paused: false })).status).toBe(200);
    await until(async () => !(await a.core.api['status.get'](undefined)).paused, 10_000, 'resume to sync');
    expect((await chat(a.url, 'gpt-4o-mini', 10)).status).toBe(200);

    // A fail mode set on one instance reaches the other, whose dashboard is told (status.changed) at once.
    const pushed: unknown[] = [];
    b.core.events.on('status.changed', (st) => void pushed.push((st as { team?: { failModes: Record<string, string> } }).team?.failModes[id]));
    expect((await a.admin('team.setFailMode', { budgetId: id, mode: 'open' })).status).toBe(200);
    await until(() => pushed.includes('open'), 10_000, 'the fail mode to reach the other dashboard');

    expect((await b.admin('budgets.delete', { id })).status).toBe(200);
    await until(async () => !(await listOf(a)).some((x) => x.budget.id === id), 10_000, 'delete to sync');
  }, 60_000);

  it('sums every instance’s day into the team’s rollup', async () => {
    for (const t of tgs) for (let i = 0; i < 2; i++) expect((await chat(t.url, 'gpt-4o-mini', 50)).status).toBe(200);
    const ids = (await Promise.all(tgs.map(async (t) => (await t.core.api['team.status'](undefined))!.instanceId))).sort();
    const own = async (day: string) => {
      let requests = 0;
      let cost = 0;
      for (const t of tgs) {
        const q = await t.core.api['spend.query']({ from: day, to: day, groupBy: [] });
        requests += q.totals!.requests;
        cost += q.totals!.costUsd;
      }
      return { requests, cost };
    };
    // Each instance writes its day every 10 s: the other one's part arrives within that.
    let r: TeamRollupDto | null = null;
    await until(async () => {
      r = (await tgs[0]!.admin<TeamRollupDto>('team.rollup')).body.data!;
      return r.members.length === 2 && r.totals.requests === (await own(r.day)).requests;
    }, 25_000, 'both instances in the rollup');
    const got = r!;
    expect(got.members.map((m) => m.instanceId).sort()).toEqual(ids);
    expect(got.totals.costUsd).toBeCloseTo((await own(got.day)).cost, 12);
    expect(got.totals.requests).toBeGreaterThanOrEqual(4);
  }, 40_000);

  it('writes no provider key to Redis', async () => {
    const [a] = tgs;
    expect((await a!.admin('keys.create', { name: 'Team key', provider: 'openai', providerKey: SECRET })).status).toBe(200);
    expect((await a!.admin('budgets.create', { name: 'After key', period: { kind: 'day' }, limitUsd: 5 })).status).toBe(200);
    await chat(a!.url, 'gpt-4o-mini', 10);
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys('*');
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) {
        const type = await client.type(k);
        const dump = type === 'string' ? await client.get(k) : type === 'hash' ? JSON.stringify(await client.hgetall(k)) : type === 'set' ? JSON.stringify(await client.smembers(k)) : JSON.stringify(await client.zrange(k, '0', '-1'));
        expect(`${k} ${dump}`).not.toContain(SECRET);
        expect(`${k} ${dump}`).not.toContain(SECRET.slice(8, 24));
      }
    } finally {
      client.disconnect();
    }
  });
});
