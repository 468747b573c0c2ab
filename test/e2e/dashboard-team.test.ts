/**
 * The budget form's fail mode in a real browser, against a real headless Tollgate in team mode on a real Redis:
 * set in the form, saved through the HTTP bridge, kept by the team, and shown on the budget's card.
 */
import fs from 'node:fs';
import { Redis } from 'ioredis';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamStatusDto } from '../../src/main/contract/api-team.js';
import { HAS_CHROMIUM, CHROMIUM_PATH, launchChromium } from '../support/chromium.js';
import { tempDir } from '../support/harness.js';
import { redisMissing, startRedis, type RedisServer } from '../support/redis-server.js';
import { startServe, type ServedTollgate } from '../support/serve-process.js';

const why = !HAS_CHROMIUM ? `no browser at ${CHROMIUM_PATH}` : redisMissing();

describe.skipIf(why !== null)(`the budget form's fail mode in team mode${why ? ` (skipped: ${why})` : ''}`, () => {
  let redis: RedisServer;
  let served: ServedTollgate;
  let dataDir: string;
  let browser: Browser;

  async function admin<T>(channel: string, input: unknown = {}): Promise<T> {
    const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const res = await fetch(`${served.url}/api/${channel}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
    const body = (await res.json()) as { ok: boolean; data: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${channel}: ${body.error?.message}`);
    return body.data;
  }

  beforeAll(async () => {
    redis = await startRedis();
    dataDir = tempDir('tollgate-e2e-team-');
    served = await startServe({ dataDir, env: { TOLLGATE_REDIS_URL: redis.url, TOLLGATE_NOTIFY: '0' } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    await redis?.stop();
  });

  it('sets a fail mode in the form, and the team and the card have it', async () => {
    const { id } = await admin<{ id: string }>('budgets.create', { name: 'Team month', period: { kind: 'month' }, limitUsd: 50, hardStopPercent: 100 });
    expect((await admin<TeamStatusDto>('team.status')).link).toBe('up');

    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(served.loginUrl);
    await page.goto(`${served.url}/#/budgets`);
    const card = page.getByRole('article', { name: 'Team month' });
    await expect.poll(() => card.locator('.fail-mode').textContent(), { timeout: 15_000 }).toBe('While the team link is down: blocks calls (closed), the team default.');

    await card.getByRole('button', { name: 'Edit' }).click();
    const select = page.getByLabel('While the team link is down');
    expect(await select.inputValue()).toBe('default');
    await select.selectOption('open');
    await page.getByRole('button', { name: 'Save changes' }).click();

    await expect.poll(() => card.locator('.fail-mode').textContent(), { timeout: 15_000 }).toBe("While the team link is down: goes on against this machine's counters (open).");
    expect((await admin<TeamStatusDto>('team.status')).failModes).toEqual({ [id]: 'open' });
    // Shared with the team: Redis's copy of the definitions has it.
    const client = new Redis(redis.url);
    try {
      await expect.poll(async () => (JSON.parse((await client.get('tollgate:defs')) ?? '{}') as { failModes?: Record<string, string> }).failModes, { timeout: 10_000 }).toEqual({ [id]: 'open' });
    } finally {
      client.disconnect();
    }
    await ctx.close();
  }, 60_000);
});
