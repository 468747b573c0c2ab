import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetStatus } from '../../../../src/main/contract/budgets.js';
import type { PriceLookupResult } from '../../../../src/main/contract/api.js';
import { tempDir } from '../../../support/harness.js';
import { redisMissing, startRedis, type RedisServer } from '../../../support/redis-server.js';
import { chat, costOf, startMeteredUpstream, startTeamTollgate, until, type MeteredUpstream } from './support.js';

const missing = redisMissing();
const MODEL = 'gpt-4o-mini';

/** Spend made while Redis is down survives a restart of the Tollgate that made it, and is replayed once. */
describe.skipIf(missing !== null)('team mode: replay across a restart', () => {
  let redis: RedisServer;
  let up: MeteredUpstream;
  const dataDir = tempDir();
  let current: Awaited<ReturnType<typeof startTeamTollgate>> | null = null;

  beforeAll(async () => {
    redis = await startRedis({ appendOnly: true });
    up = await startMeteredUpstream();
  }, 60_000);
  afterAll(async () => {
    await current?.stop();
    await up?.close();
    await redis?.stop();
  });

  it('keeps pending spend in the data folder and replays it after the restart', async () => {
    let tg = (current = await startTeamTollgate(up.url, redis.url, { dataDir }));
    const id = (await tg.admin<{ id: string }>('budgets.create', { name: 'Open', period: { kind: 'month' }, limitUsd: 100, hardStopPercent: 100 })).body.data!.id;
    expect((await tg.admin('team.setFailMode', { budgetId: id, mode: 'open' })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await chat(tg.url, MODEL, 100)).status).toBe(200);
    await until(async () => (await tg.core.api['team.status'](undefined))?.pendingReplay === 0, 10_000, 'settles to reach Redis');

    await redis.kill();
    await until(async () => (await tg.core.api['team.status'](undefined))?.link === 'down', 10_000, 'link down');
    for (let i = 0; i < 5; i++) expect((await chat(tg.url, MODEL, 100)).status).toBe(200);
    expect((await tg.core.api['team.status'](undefined))?.pendingReplay).toBe(5);
    await tg.stop();
    current = null;
    const kept = JSON.parse(fs.readFileSync(path.join(dataDir, 'team-replay.json'), 'utf8')) as unknown[];
    expect(kept).toHaveLength(5);

    await redis.restart();
    tg = current = await startTeamTollgate(up.url, redis.url, { dataDir });
    await until(async () => (await tg.core.api['team.status'](undefined))?.pendingReplay === 0, 15_000, 'replay after restart');

    const price = (await tg.admin<PriceLookupResult>('prices.lookup', { provider: 'openai', model: MODEL })).body.data!;
    const truth = up.served.reduce((s, x) => s + costOf(x, price), 0);
    expect(up.served).toHaveLength(8);
    const periodKey = (await tg.admin<BudgetStatus[]>('budgets.list')).body.data!.find((b) => b.budget.id === id)!.periodKey;
    const client = new Redis(redis.url);
    try {
      expect(Number(await client.hget(`tollgate:${id}:${encodeURIComponent(periodKey)}:c`, 'usd'))).toBeCloseTo(truth, 9);
    } finally {
      client.disconnect();
    }
    await until(() => (JSON.parse(fs.readFileSync(path.join(dataDir, 'team-replay.json'), 'utf8')) as unknown[]).length === 0, 5_000, 'the kept file to empty');
  }, 90_000);
});
