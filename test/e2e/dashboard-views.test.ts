/**
 * Every view as a new user meets it, in light, dark and at 800 px: a screenshot of each under
 * test-results/screenshots/views/, and axe-core's WCAG 2.1 A/AA rules with no serious or critical violation.
 * Traffic first (a Tollgate key, a named passthrough key, a budget), so tables, badges and charts are on screen.
 */
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import OpenAI from 'openai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, CHROMIUM_PATH, launchChromium } from '../support/chromium.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { tempDir } from '../support/harness.js';
import { startServe, type ServedTollgate } from '../support/serve-process.js';

const SHOTS = path.resolve('test-results/screenshots/views');
const VIEWS = [
  { id: 'overview', name: 'Overview' },
  { id: 'budgets', name: 'Budgets' },
  { id: 'keys', name: 'Keys' },
  { id: 'providers', name: 'Providers' },
  { id: 'activity', name: 'Activity' },
  { id: 'settings', name: 'Settings' },
  { id: 'teams', name: 'Teams' },
] as const;
const MODES = [
  { id: 'light', colorScheme: 'light', width: 1280 },
  { id: 'dark', colorScheme: 'dark', width: 1280 },
  { id: '800px', colorScheme: 'light', width: 800 },
] as const;

interface Finding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

async function seriousViolations(page: Page): Promise<Finding[]> {
  const r = await new AxeBuilder({ page: page as never }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

describe.skipIf(!HAS_CHROMIUM)(`every dashboard view: screenshots and accessibility${HAS_CHROMIUM ? '' : ` (skipped: no browser at ${CHROMIUM_PATH})`}`, () => {
  let upstream: FakeUpstream;
  let served: ServedTollgate;
  let dataDir: string;
  let browser: Browser;
  let signedIn: Awaited<ReturnType<BrowserContext['storageState']>>;
  const pageErrors: string[] = [];

  async function admin<T>(channel: string, input: unknown = {}): Promise<T> {
    const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const res = await fetch(`${served.url}/api/${channel}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
    const body = (await res.json()) as { ok: boolean; data: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${channel}: ${body.error?.message}`);
    return body.data;
  }

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    upstream = await startFakeUpstream();
    dataDir = tempDir('tollgate-e2e-views-');
    served = await startServe({ dataDir, env: { TOLLGATE_OPENAI_BASE_URL: upstream.url, TOLLGATE_ANTHROPIC_BASE_URL: upstream.url, TOLLGATE_GEMINI_BASE_URL: upstream.url } });

    const { secret } = await admin<{ secret: string }>('keys.create', { name: 'Claude Code', provider: 'openai', providerKey: 'sk-test-views-upstream-0000', project: 'web' });
    const ask = (apiKey: string) =>
      new OpenAI({ baseURL: `${served.url}/openai/v1`, apiKey, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
    for (let i = 0; i < 3; i++) await ask(secret);
    await ask('sk-passthrough-views-0123456789');
    const fp = (await admin<{ id: string; kind: string }[]>('keys.list')).find((k) => k.kind === 'passthrough')!;
    await admin('keys.update', { id: fp.id, name: 'Laptop scripts' });
    await admin('budgets.create', { name: 'Team month', period: { kind: 'month' }, limitUsd: 0.001, hardStopPercent: null });
    // The Teams view shows a tree with a team, its project and an over-allocated budget's warning.
    await admin('teams.set', { organization: 'Acme', teams: [{ id: 'web', name: 'Web', projects: ['web'], keys: [], users: [] }] });
    await admin('budgets.create', { name: 'Team Web', scope: { team: 'web' }, period: { kind: 'month' }, limitUsd: 0.002, hardStopPercent: null });

    browser = await launchChromium();
    const first = await browser.newContext();
    const page = await first.newPage();
    await page.goto(served.loginUrl);
    expect(new URL(page.url()).pathname).toBe('/');
    signedIn = await first.storageState();
    await first.close();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    await upstream?.close();
  });

  it('the sign-in page passes in light and dark', async () => {
    for (const mode of MODES) {
      const ctx = await browser.newContext({ colorScheme: mode.colorScheme, viewport: { width: mode.width, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(`${served.url}/login`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await page.screenshot({ path: path.join(SHOTS, `sign-in-${mode.id}.png`), fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);
      await ctx.close();
    }
  });

  for (const mode of MODES) {
    it(`every view in ${mode.id}: a screenshot, and no serious or critical axe violation`, async () => {
      const ctx = await browser.newContext({ storageState: signedIn, colorScheme: mode.colorScheme, viewport: { width: mode.width, height: 900 } });
      const page = await ctx.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      const found: Record<string, Finding[]> = {};
      for (const v of VIEWS) {
        await page.goto(`${served.url}/#/${v.id}`);
        await page.getByRole('heading', { level: 1, name: v.name }).or(page.getByRole('region', { name: 'Totals' })).first().waitFor();
        // Data arrives after the frame: wait for the loading placeholders to go.
        await expect.poll(() => page.locator('.loading, .skeleton-text').count(), { timeout: 15_000 }).toBe(0);
        await page.screenshot({ path: path.join(SHOTS, `${v.id}-${mode.id}.png`), fullPage: true });
        // Nothing may push the page sideways (the bar's sign-out link did at 800 px).
        expect(await page.evaluate('document.documentElement.scrollWidth'), `${v.id} scroll width`).toBeLessThanOrEqual(mode.width);
        const bad = await seriousViolations(page);
        if (bad.length) found[v.id] = bad;
      }
      await ctx.close();
      expect(found).toEqual({});
      expect(pageErrors).toEqual([]);
    });
  }

  it('shows the named passthrough key, its spend and its status on Keys', async () => {
    const ctx = await browser.newContext({ storageState: signedIn });
    const page = await ctx.newPage();
    await page.goto(`${served.url}/#/keys`);
    const table = page.getByRole('table', { name: 'Keys seen in passthrough' });
    const row = table.getByRole('row', { name: /Laptop scripts/ });
    await row.waitFor();
    await expect.poll(() => row.getByText('active').count()).toBe(1);
    expect(await row.locator('td').filter({ hasText: /^\$\d/ }).count()).toBe(1);
    await ctx.close();
  });
});
