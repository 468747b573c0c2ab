import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetStatus } from '../../../../src/main/contract/budgets.js';
import type { PriceLookupResult } from '../../../../src/main/contract/api.js';
import { redisMissing, startRedis, type RedisServer } from '../../../support/redis-server.js';
import { chat, costOf, startMeteredUpstream, startTeamTollgate, until, type MeteredUpstream } from './support.js';

const missing = redisMissing();
const CLOSED_MODEL = 'gpt-4o-mini';
const OPEN_MODEL = 'gpt-4o';

interface Outcome {
  model: string;
  sentAt: number;
  doneAt: number;
  status: number;
  message: string;
}

/**
 * Redis is SIGKILLed while two instances carry load, then restarted (its append-only file, fsynced on every
 * write, keeps what it had). A budget left at the default fail mode (it has a hard stop: closed) blocks while the
 * link is down; one set to open goes on. After the replay each shared counter holds exactly what the fake upstream
 * answered: nothing lost, nothing counted twice.
 */
describe.skipIf(missing !== null)('team mode: Redis down and back', () => {
  let redis: RedisServer;
  let up: MeteredUpstream;
  let tgs: Awaited<ReturnType<typeof startTeamTollgate>>[] = [];

  beforeAll(async () => {
    redis = await startRedis({ appendOnly: true });
    up = await startMeteredUpstream({ delayMs: 30 });
    tgs = await Promise.all([0, 1].map(() => startTeamTollgate(up.url, redis.url)));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(tgs.map((t) => t.stop()));
    await up?.close();
    await redis?.stop();
  });

  it('closed blocks and open goes on while down; after the replay every counter equals the upstream log', async () => {
    const [a, b] = tgs as [(typeof tgs)[0], (typeof tgs)[0]];
    const mk = async (name: string, model: string) => (await a.admin<{ id: string }>('budgets.create', { name, period: { kind: 'day' }, scope: { model }, limitUsd: 1000, hardStopPercent: 100 })).body.data!.id;
    const closedId = await mk('Closed', CLOSED_MODEL);
    const openId = await mk('Open', OPEN_MODEL);
    expect((await a.admin('team.setFailMode', { budgetId: openId, mode: 'open' })).status).toBe(200);
    await until(async () => (await b.core.api['team.status'](undefined))?.failModes[openId] === 'open', 10_000, 'fail modes to sync');
    await until(async () => (await b.admin<BudgetStatus[]>('budgets.list')).body.data!.length === 2, 10_000, 'budgets to sync');

    const outcomes: Outcome[] = [];
    let running = true;
    const worker = async (url: string, model: string) => {
      while (running) {
        const sentAt = Date.now();
        const r = await chat(url, model, 200);
        outcomes.push({ model, sentAt, doneAt: Date.now(), ...r });
      }
    };
    const workers = tgs.flatMap((t) => [0, 1, 2].flatMap(() => [worker(t.url, CLOSED_MODEL), worker(t.url, OPEN_MODEL)]));

    await new Promise((r) => setTimeout(r, 1000));
    await redis.kill();
    await until(async () => (await Promise.all(tgs.map((t) => t.core.api['status.get'](undefined)))).every((s) => s.team?.link === 'down'), 10_000, 'both links down');
    const downFrom = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    const downTo = Date.now();
    const pendingWhileDown = (await a.core.api['team.status'](undefined))!.pendingReplay + (await b.core.api['team.status'](undefined))!.pendingReplay;
    await redis.restart();
    await until(async () => (await Promise.all(tgs.map((t) => t.core.api['team.status'](undefined)))).every((s) => s?.link === 'up'), 15_000, 'links up again');
    await new Promise((r) => setTimeout(r, 1000));
    running = false;
    await Promise.all(workers);
    await until(async () => (await Promise.all(tgs.map((t) => t.core.api['team.status'](undefined)))).every((s) => s?.pendingReplay === 0), 15_000, 'replay to drain');

    const inWindow = outcomes.filter((o) => o.sentAt >= downFrom && o.doneAt <= downTo);
    const closedDown = inWindow.filter((o) => o.model === CLOSED_MODEL);
    const openDown = inWindow.filter((o) => o.model === OPEN_MODEL);
    expect(closedDown.length).toBeGreaterThan(0);
    expect(openDown.length).toBeGreaterThan(0);
    for (const o of closedDown) {
      expect(o.status, JSON.stringify(o)).toBe(402);
      expect(o.message).toMatch(/link to the team's Redis is down/);
    }
    for (const o of openDown) expect(o.status, JSON.stringify(o)).toBe(200);
    expect(pendingWhileDown).toBeGreaterThan(0);

    // Ground truth: what the upstream answered, per model, against what Redis holds for each budget.
    const client = new Redis(redis.url);
    try {
      const list = (await a.admin<BudgetStatus[]>('budgets.list')).body.data!;
      for (const [id, model] of [[closedId, CLOSED_MODEL], [openId, OPEN_MODEL]] as const) {
        const price = (await a.admin<PriceLookupResult>('prices.lookup', { provider: 'openai', model })).body.data!;
        const truth = up.served.filter((s) => s.model === model).reduce((s, x) => s + costOf(x, price), 0);
        const periodKey = list.find((x) => x.budget.id === id)!.periodKey;
        const h = await client.hgetall(`tollgate:${encodeURIComponent(id)}:${encodeURIComponent(periodKey)}:c`);
        expect(Number(h.usd), `${model} spend in Redis`).toBeCloseTo(truth, 9);
        // Nothing left reserved: reservations whose answer was lost are given back by the replay, not the lease.
        expect(Number(h.rusd), `${model} still reserved`).toBeCloseTo(0, 9);
        const okCalls = outcomes.filter((o) => o.model === model && o.status === 200).length;
        expect(up.served.filter((s) => s.model === model).length).toBe(okCalls);
      }
    } finally {
      client.disconnect();
    }
    console.log(`redis down: ${outcomes.length} calls, ${closedDown.length} closed-budget calls blocked and ${openDown.length} open-budget calls served while down, ${pendingWhileDown} settles replayed`);
  }, 120_000);
});
