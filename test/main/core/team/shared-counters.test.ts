import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSharedCounters, type SharedCounters } from '../../../../src/main/core/team/shared-counters.js';
import { redisMissing, startRedis, type RedisServer } from '../../../support/redis-server.js';

const missing = redisMissing();

/** The Lua scripts against a real Redis: all-or-nothing reservations, exactly-once settles, leases. */
describe.skipIf(missing !== null)('shared counters on Redis', () => {
  let redis: RedisServer;
  let client: Redis;
  let counters: SharedCounters;
  const a = (usd: number, stopUsd: number | null = 1) => ({ key: 'bud_a', periodKey: '2026-11-30', usd, tokens: 10, stopUsd, stopTokens: null });
  const b = (usd: number, stopUsd: number | null = 1) => ({ key: 'bud b#run/1', periodKey: '2026-11', usd, tokens: 10, stopUsd, stopTokens: null });

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    counters = createSharedCounters(client, { prefix: 't:', leaseMs: 400 });
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('reserves against every budget or none, and names the one without room', async () => {
    expect((await counters.reserve('r1', [a(0.5), b(0.9)])).ok).toBe(true);
    const refused = await counters.reserve('r2', [a(0.4), b(0.2)]);
    expect(refused).toMatchObject({ ok: false, index: 1 });
    // Nothing of r2 was held on the budget that had room.
    expect(Number(await client.hget('t:bud_a:2026-11-30:c', 'rusd'))).toBeCloseTo(0.5, 12);
    await counters.release('r1', [a(0.5), b(0.9)]);
    expect(Number(await client.hget('t:bud_a:2026-11-30:c', 'rusd'))).toBe(0);
  });

  it('counts a settle once, however often it is sent', async () => {
    expect((await counters.reserve('s1', [a(0.3, null)])).ok).toBe(true);
    const first = await counters.settle('s1', [{ ...a(0.25), tokens: 7 }]);
    const again = await counters.settle('s1', [{ ...a(0.25), tokens: 7 }]);
    expect(first[0]!.usd).toBeCloseTo(0.25, 12);
    expect(again[0]!.usd).toBeCloseTo(0.25, 12);
    expect(again[0]!.tokens).toBe(7);
    expect(Number(await client.hget('t:bud_a:2026-11-30:c', 'rusd'))).toBe(0);
  });

  it('gives a lapsed lease back, and a renewed one not', async () => {
    expect((await counters.reserve('l1', [b(0.6)])).ok).toBe(true);
    expect((await counters.reserve('l2', [b(0.3)])).ok).toBe(true);
    expect((await counters.reserve('l3', [b(0.3)])).ok).toBe(false);
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 150));
      await counters.renew([{ requestId: 'l2', part: b(0.3) }]);
    }
    // l1 lapsed (600 ms > 400 ms lease); l2 was renewed and still holds its 0.3.
    expect((await counters.reserve('l4', [b(0.7)])).ok).toBe(true);
    expect((await counters.reserve('l5', [b(0.01)])).ok).toBe(false);
  });
});
