import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamEnvFor } from '../../../../src/main/core/providers/describe.js';
import type { PriceLookupResult } from '../../../../src/main/contract/api.js';
import { tempDir } from '../../../support/harness.js';
import { redisMissing, startRedis, type RedisServer } from '../../../support/redis-server.js';
import { chat, costOf, startMeteredUpstream, startTeamTollgate, until, type MeteredUpstream } from './support.js';

const missing = redisMissing();
const MODEL = 'gpt-4o-mini';
const OUT = 1000;
const LEASE_MS = 2000;

/** `npm run serve`'s entry, run from source in its own process, in team mode with a short lease. */
async function startChild(upstream: string, redisUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const dataDir = tempDir();
  // One process (node with tsx's loader), not tsx's wrapper: a SIGKILL must reach the process holding the leases.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/core/headless.ts', '--port', '0', '--data-dir', dataDir, '--redis', redisUrl], {
    env: { ...process.env, ...upstreamEnvFor(upstream), TOLLGATE_NOTIFY: '0', TOLLGATE_TEAM_LEASE_MS: String(LEASE_MS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  await until(() => /Tollgate listening on/.test(out) || child.exitCode !== null, 60_000, 'the child Tollgate to start');
  const url = /Tollgate listening on (http:\/\/\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`child did not start:\n${out}`);
  expect(fs.existsSync(path.join(dataDir, 'admin-token'))).toBe(true);
  return { url, child };
}

/**
 * An instance holding reservations is SIGKILLed: nobody settles or releases them, and the room they held comes
 * back to the rest of the team when their leases run out.
 */
describe.skipIf(missing !== null)('team mode: a dead instance’s reservations', () => {
  let redis: RedisServer;
  let up: MeteredUpstream;
  let a: Awaited<ReturnType<typeof startTeamTollgate>>;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    redis = await startRedis();
    up = await startMeteredUpstream();
    a = await startTeamTollgate(up.url, redis.url);
  }, 60_000);
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await a?.stop();
    await up?.close();
    await redis?.stop();
  });

  it('the room returns within the lease time', async () => {
    const price = (await a.admin<PriceLookupResult>('prices.lookup', { provider: 'openai', model: MODEL })).body.data!;
    const perCall = costOf({ model: MODEL, promptTokens: 10, completionTokens: OUT, at: 0 }, price);
    // Room for ten calls (their worst case holds a little more than they cost).
    const cap = Number((perCall * 10.9).toFixed(7));
    expect((await a.admin('budgets.create', { name: 'Leased', period: { kind: 'day' }, limitUsd: cap, hardStopPercent: 100 })).status).toBe(200);
    const c = await startChild(up.url, redis.url);
    child = c.child;

    // The child admits five calls that hang at the upstream, holding half the room.
    const hung = Array.from({ length: 5 }, () => chat(c.url, MODEL, OUT, { 'x-delay-ms': '60000' }).catch(() => null));
    const client = new Redis(redis.url);
    try {
      await until(async () => {
        const keys = await client.keys('tollgate:*:r');
        return keys.length === 1 && (await client.hlen(keys[0]!)) === 5;
      }, 20_000, 'the child to hold five reservations');
    } finally {
      client.disconnect();
    }
    child.kill('SIGKILL');
    const killedAt = Date.now();
    await Promise.all(hung);

    // The other half is there; the held half is not, until the leases run out.
    for (let i = 0; i < 5; i++) expect((await chat(a.url, MODEL, OUT)).status).toBe(200);
    expect((await chat(a.url, MODEL, OUT)).status).toBe(402);
    let back = 0;
    await until(async () => (await chat(a.url, MODEL, OUT)).status === 200, LEASE_MS + 8000, 'the held room to return');
    back = Date.now() - killedAt;
    expect(back).toBeLessThanOrEqual(LEASE_MS + 1500);
    expect(up.served.length).toBe(6);
    console.log(`lease: the dead instance's room came back ${back} ms after SIGKILL (lease ${LEASE_MS} ms)`);
  }, 120_000);
});
