import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetStatus } from '../../../../src/main/contract/budgets.js';
import type { PriceLookupResult, StatusDto } from '../../../../src/main/contract/api.js';
import { redisMissing, startRedis, type RedisServer } from '../../../support/redis-server.js';
import { chat, costOf, startMeteredUpstream, startTeamTollgate, until, type MeteredUpstream } from './support.js';

const missing = redisMissing();
const MODEL = 'gpt-4o-mini';
const OUT = 1000;
const PER_INSTANCE = 300;

/**
 * Three Tollgates share one budget through Redis; each gets 300 concurrent calls, and the cap affords about 100.
 * What the fake upstream answered is the ground truth of spend.
 */
describe.skipIf(missing !== null)('team mode: one shared cap across three instances', () => {
  let redis: RedisServer;
  let up: MeteredUpstream;
  let tgs: Awaited<ReturnType<typeof startTeamTollgate>>[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    up = await startMeteredUpstream({ delayMs: 20 });
    tgs = await Promise.all([0, 1, 2].map(() => startTeamTollgate(up.url, redis.url)));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(tgs.map((t) => t.stop()));
    await up?.close();
    await redis?.stop();
  });

  it('never passes the cap, uses at least 90% of it, and fires each tier once for the team', async () => {
    const [a] = tgs;
    const price = (await a!.admin<PriceLookupResult>('prices.lookup', { provider: 'openai', model: MODEL })).body.data!;
    const perCall = costOf({ model: MODEL, promptTokens: 10, completionTokens: OUT, at: 0 }, price);
    const cap = Number((perCall * 100).toFixed(6));
    const created = await a!.admin<{ id: string }>('budgets.create', { name: 'Team cap', period: { kind: 'day' }, limitUsd: cap, thresholds: [50, 80], hardStopPercent: 100 });
    expect(created.status).toBe(200);
    const id = created.body.data!.id;
    // The definition reaches the other two through Redis.
    for (const t of tgs) await until(async () => ((await t.admin<BudgetStatus[]>('budgets.list')).body.data ?? []).some((b) => b.budget.id === id), 10_000, 'the budget to sync');
    for (const t of tgs) expect((await t.admin<StatusDto>('status.get')).body.data!.team?.link).toBe('up');

    const results = await Promise.all(tgs.flatMap((t) => Array.from({ length: PER_INSTANCE }, () => chat(t.url, MODEL, OUT))));
    const ok = results.filter((r) => r.status === 200).length;
    const blocked = results.filter((r) => r.status === 402 || r.status === 429).length;
    expect(ok + blocked).toBe(results.length);

    const spent = up.served.reduce((s, x) => s + costOf(x, price), 0);
    expect(up.served.length).toBe(ok);
    expect(spent).toBeLessThanOrEqual(cap + 1e-12);
    expect(spent).toBeGreaterThanOrEqual(cap * 0.9);

    // Every instance's settles have reached Redis; each alert (budget × period × tier) was delivered once.
    for (const t of tgs) await until(() => t.core.api['team.status'](undefined).then((s) => s?.pendingReplay === 0), 10_000, 'replay to drain');
    await new Promise((r) => setTimeout(r, 500));
    const delivered = tgs.flatMap((t) => t.delivered);
    const ids = delivered.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    const tiers = delivered.filter((x) => x.kind === 'threshold').map((x) => x.tier).sort();
    expect(tiers).toEqual([50, 80]);
    // Each instance shows the team's spend, not only its own.
    for (const t of tgs) {
      const b = (await t.admin<BudgetStatus[]>('budgets.list')).body.data!.find((x) => x.budget.id === id)!;
      expect(b.spentUsd).toBeCloseTo(spent, 9);
    }
    // Figures for the report.
    console.log(`team cap: ${ok}/${results.length} admitted, spent ${((spent / cap) * 100).toFixed(1)}% of the cap, alerts ${delivered.map((x) => `${x.kind}:${x.tier}`).join(', ')}`);
  }, 120_000);
});
