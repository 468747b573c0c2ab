import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetStatus } from '../../../../src/main/contract/budgets.js';
import type { PriceLookupResult } from '../../../../src/main/contract/api.js';
import { redisMissing, startRedis, type RedisServer } from '../../../support/redis-server.js';
import { chat, costOf, startMeteredUpstream, startTeamTollgate, until, type MeteredUpstream } from './support.js';

const missing = redisMissing();
const MODEL = 'gpt-4o-mini';
const OPEN_MODEL = 'gpt-4o';
const OUT = 1000;
const PER_INSTANCE = 120;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Three Tollgates share a rolling one-day budget through Redis. Their clock can be moved forward (a rolling
 * window is measured on the instances' clock, scripts.ts): that is how the test lets a day pass. What the fake
 * upstream answered is the ground truth of spend.
 */
describe.skipIf(missing !== null)('team mode: a shared rolling window across three instances', () => {
  let redis: RedisServer;
  let up: MeteredUpstream;
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  let tgs: Awaited<ReturnType<typeof startTeamTollgate>>[] = [];

  beforeAll(async () => {
    redis = await startRedis({ appendOnly: true });
    up = await startMeteredUpstream({ delayMs: 20 });
    tgs = await Promise.all([0, 1, 2].map(() => startTeamTollgate(up.url, redis.url, { clock })));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(tgs.map((t) => t.stop()));
    await up?.close();
    await redis?.stop();
  });

  const statusOf = async (t: (typeof tgs)[0], id: string) => (await t.admin<BudgetStatus[]>('budgets.list')).body.data!.find((x) => x.budget.id === id)!;
  const drained = () => until(async () => (await Promise.all(tgs.map((t) => t.core.api['team.status'](undefined)))).every((s) => s?.pendingReplay === 0), 15_000, 'replay to drain');

  it('holds the cap for the team, and spend older than the window stops counting', async () => {
    const [a, b] = tgs as [(typeof tgs)[0], (typeof tgs)[0]];
    const price = (await a.admin<PriceLookupResult>('prices.lookup', { provider: 'openai', model: MODEL })).body.data!;
    const perCall = costOf({ model: MODEL, promptTokens: 10, completionTokens: OUT, at: 0 }, price);
    const cap = Number((perCall * 40).toFixed(6));
    const created = await a.admin<{ id: string }>('budgets.create', { name: 'Rolling team cap', scope: { model: MODEL }, period: { kind: 'rolling', days: 1 }, limitUsd: cap, thresholds: [50], hardStopPercent: 100 });
    expect(created.status).toBe(200);
    const id = created.body.data!.id;
    for (const t of tgs) await until(async () => ((await t.admin<BudgetStatus[]>('budgets.list')).body.data ?? []).some((x) => x.budget.id === id), 10_000, 'the budget to sync');

    const round = async () => {
      const before = up.served.length;
      const results = await Promise.all(tgs.flatMap((t) => Array.from({ length: PER_INSTANCE }, () => chat(t.url, MODEL, OUT))));
      const ok = results.filter((r) => r.status === 200).length;
      const odd = results.filter((r) => r.status !== 200 && r.status !== 402 && r.status !== 429);
      expect(odd, JSON.stringify(odd.slice(0, 3))).toEqual([]);
      const served = up.served.slice(before);
      expect(served.length).toBe(ok);
      return { ok, spent: served.reduce((s, x) => s + costOf(x, price), 0) };
    };

    const first = await round();
    expect(first.spent, `first round: ${first.ok} admitted`).toBeLessThanOrEqual(cap + 1e-12);
    expect(first.spent, `first round: ${first.ok} admitted`).toBeGreaterThanOrEqual(cap * 0.9);
    await drained();
    // Within the window, a further call is refused on every instance: the room is the team's, used up. An
    // instance learns the team's spend when it talks to Redis (a refusal included), so each then shows it.
    const refusedEverywhere = async (spent: number) => {
      for (const t of tgs) {
        const r = await chat(t.url, MODEL, OUT);
        expect(r.status, r.message).toBe(402);
        expect((await statusOf(t, id)).spentUsd, `${t.url} after: ${r.message}`).toBeCloseTo(spent, 9);
      }
    };
    await refusedEverywhere(first.spent);

    // Two hours later the spend is still in the window.
    offset += 2 * HOUR;
    const later = await chat(b.url, MODEL, OUT);
    expect(later.status, later.message).toBe(402);

    // A day and an hour after the load, its hour has left the window: the room is back for the whole team.
    offset += DAY;
    const second = await round();
    expect(second.spent, `second round: ${second.ok} admitted`).toBeLessThanOrEqual(cap + 1e-12);
    expect(second.spent, `second round: ${second.ok} admitted`).toBeGreaterThanOrEqual(cap * 0.9);
    await drained();
    await refusedEverywhere(second.spent);
    console.log(`rolling team cap: ${first.ok} then, a day later, ${second.ok} of ${3 * PER_INSTANCE} admitted; spent ${((first.spent / cap) * 100).toFixed(1)}% and ${((second.spent / cap) * 100).toFixed(1)}% of the cap`);
  }, 120_000);

  it('replays spend made while Redis was down exactly once (open fail mode)', async () => {
    const [a, b] = tgs as [(typeof tgs)[0], (typeof tgs)[0]];
    const created = await a.admin<{ id: string }>('budgets.create', { name: 'Rolling open', scope: { model: OPEN_MODEL }, period: { kind: 'rolling', days: 7 }, limitUsd: 1000, hardStopPercent: 100 });
    const id = created.body.data!.id;
    expect((await a.admin('team.setFailMode', { budgetId: id, mode: 'open' })).status).toBe(200);
    for (const t of tgs) await until(async () => (await t.core.api['team.status'](undefined))?.failModes[id] === 'open', 10_000, 'fail mode to sync');
    const before = up.served.filter((s) => s.model === OPEN_MODEL).length;

    const burst = () => Promise.all(tgs.flatMap((t) => Array.from({ length: 10 }, () => chat(t.url, OPEN_MODEL, 100))));
    expect((await burst()).filter((r) => r.status !== 200)).toEqual([]);
    await redis.kill();
    await until(async () => (await Promise.all(tgs.map((t) => t.core.api['status.get'](undefined)))).every((s) => s.team?.link === 'down'), 10_000, 'links down');
    expect((await burst()).filter((r) => r.status !== 200)).toEqual([]);
    const pending = (await Promise.all(tgs.map((t) => t.core.api['team.status'](undefined)))).reduce((s, x) => s + x!.pendingReplay, 0);
    expect(pending).toBeGreaterThanOrEqual(30);
    await redis.restart();
    await until(async () => (await Promise.all(tgs.map((t) => t.core.api['team.status'](undefined)))).every((s) => s?.link === 'up'), 15_000, 'links up');
    await drained();
    expect((await burst()).filter((r) => r.status !== 200)).toEqual([]);
    await drained();
    // One more call on b, once everyone's settles are in: its answer carries the whole team's spend.
    expect((await chat(b.url, OPEN_MODEL, 100)).status).toBe(200);
    await drained();

    const price = (await a.admin<PriceLookupResult>('prices.lookup', { provider: 'openai', model: OPEN_MODEL })).body.data!;
    const served = up.served.filter((s) => s.model === OPEN_MODEL);
    expect(served.length - before).toBe(91);
    const truth = served.reduce((s, x) => s + costOf(x, price), 0);
    const client = new Redis(redis.url);
    try {
      const h = await client.hgetall(`tollgate:${encodeURIComponent(id)}:rolling:c`);
      expect(Number(h.usd)).toBeCloseTo(truth, 9);
      expect(Number(h.rusd)).toBeCloseTo(0, 9);
      // The buckets add up to the window's sum.
      const buckets = Object.entries(h).filter(([k]) => k.startsWith('U')).reduce((s, [, v]) => s + Number(v), 0);
      expect(buckets).toBeCloseTo(truth, 9);
    } finally {
      client.disconnect();
    }
    expect((await statusOf(b, id)).spentUsd).toBeCloseTo(truth, 9);
    console.log(`rolling replay: ${pending} settles made while Redis was down replayed; Redis holds $${truth.toFixed(6)} = the upstream's log`);
  }, 120_000);
});
