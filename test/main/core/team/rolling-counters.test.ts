import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSharedCounters, type SharedCounters } from '../../../../src/main/core/team/shared-counters.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';
import { redisMissing, startRedis, type RedisServer } from '../../../support/redis-server.js';

const missing = redisMissing();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The Lua scripts' rolling windows against a real Redis: hourly buckets, sliding out, counted once. */
describe.skipIf(missing !== null)('shared rolling counters on Redis', () => {
  let redis: RedisServer;
  let client: Redis;
  let counters: SharedCounters;
  // The window is measured on the instances' clock (scripts.ts): a manual one lets the test slide it.
  const clock = createManualClock(Date.UTC(2026, 10, 30, 10, 30));
  const part = (usd: number, at?: number) => ({ key: 'bud_r', periodKey: 'rolling', usd, tokens: 10, windowMs: 2 * DAY, stopUsd: 1, stopTokens: null, ...(at === undefined ? {} : { at }) });

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    counters = createSharedCounters(client, { prefix: 't:', leaseMs: 30_000, clock });
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('sums the window, counts a replayed settle once, and lets spend slide out hour by hour', async () => {
    const t0 = clock.now();
    expect((await counters.reserve('a', [part(0.4)])).ok).toBe(true);
    expect((await counters.settle('a', [part(0.3, t0)]))[0]!.usd).toBeCloseTo(0.3, 12);
    // A replay of the same call (its answer lost) changes nothing.
    expect((await counters.settle('a', [part(0.3, t0)]))[0]!.usd).toBeCloseTo(0.3, 12);
    clock.advance(5 * HOUR);
    const t1 = clock.now();
    expect((await counters.settle('b', [part(0.5, t1)]))[0]!.usd).toBeCloseTo(0.8, 12);
    // The stop is checked against the window's sum: 0.8 + 0.3 passes 1.
    expect((await counters.reserve('c', [part(0.3)])).ok).toBe(false);
    expect((await counters.reserve('c', [part(0.2)])).ok).toBe(true);
    await counters.release('c', [part(0.2)]);

    // Two days after the first call's hour ended, it has left the window; the second has not.
    clock.set(Math.floor(t0 / HOUR) * HOUR + HOUR + 2 * DAY);
    const res = await counters.reserve('d', [part(0.45)]);
    expect(res).toMatchObject({ ok: true });
    expect(res.ok && res.spent[0]!.usd).toBeCloseTo(0.5, 12);
    await counters.release('d', [part(0.45)]);
    expect(await client.hexists('t:bud_r:rolling:c', `U${Math.floor(t0 / HOUR) * HOUR}`)).toBe(0);
    // A late replay of the call that slid out is not counted again, nor is one stamped before the window.
    expect((await counters.settle('a', [part(0.3, t0)]))[0]!.usd).toBeCloseTo(0.5, 12);
    expect((await counters.settle('old', [part(0.2, t0 - DAY)]))[0]!.usd).toBeCloseTo(0.5, 12);

    // Once everything has slid out the window is empty and the keys expire on their own.
    clock.set(t1 + 3 * DAY);
    const empty = await counters.reserve('e', [part(0.1)]);
    expect(empty.ok && empty.spent[0]!.usd).toBe(0);
    await counters.release('e', [part(0.1)]);
    const ttl = await client.pttl('t:bud_r:rolling:c');
    expect(ttl).toBeGreaterThan(2 * DAY);
    expect(ttl).toBeLessThanOrEqual(2 * DAY + 2 * HOUR);
  });

  it('after a long idle spell recomputes the window from the buckets left', async () => {
    const week = (usd: number, at: number) => ({ key: 'bud_w', periodKey: 'rolling', usd, tokens: 1, windowMs: 7 * DAY, at });
    const t0 = clock.now();
    await counters.settle('w1', [week(0.1, t0)]);
    await counters.settle('w2', [week(0.2, t0 + 3 * DAY)]);
    await counters.settle('w3', [week(0.4, t0 + 5 * DAY)]);
    // 60 hours past the first call's window: more hours to step through than the script walks (48), so it
    // recomputes; the first call has left, the other two have not.
    clock.set(t0 + 7 * DAY + 60 * HOUR);
    const res = await counters.settle('w4', [week(0.8, clock.now())]);
    expect(res[0]!.usd).toBeCloseTo(1.4, 12);
    expect(Number(await client.hget('t:bud_w:rolling:c', 'first'))).toBe(Math.floor((t0 + 3 * DAY) / HOUR) * HOUR);
    // Then the next hours slide out one by one, by subtraction, down to exactly nothing.
    clock.set(t0 + 12 * DAY + 2 * HOUR);
    expect((await counters.settle('w5', [week(0, clock.now())]))[0]!.usd).toBeCloseTo(0.8, 12);
    clock.set(t0 + 20 * DAY);
    expect((await counters.settle('w6', [week(0, clock.now())]))[0]!.usd).toBe(0);
  });

  it('keeps a calendar counter and a rolling one apart in one reservation', async () => {
    const cal = { key: 'bud_m', periodKey: 'm:2026-11-01', usd: 0.6, tokens: 1, stopUsd: 1, stopTokens: null };
    expect((await counters.reserve('x', [cal, part(0.6)])).ok).toBe(true);
    // The rolling one has no room for 0.6 more (0.6 held): the whole reservation is refused, index 2.
    expect(await counters.reserve('y', [{ ...cal, usd: 0.1 }, part(0.6)])).toMatchObject({ ok: false, index: 1 });
    const settled = await counters.settle('x', [{ ...cal, usd: 0.5 }, { ...part(0.5), at: clock.now() }]);
    expect(settled.map((s) => s.usd)).toEqual([0.5, 0.5]);
  });
});
