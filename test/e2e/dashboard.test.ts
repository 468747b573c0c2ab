/**
 * The dashboard as a person uses it: `npm run serve` with a fake upstream, Debian's Chromium driven by
 * playwright-core, the official OpenAI SDK sending traffic through the proxy with a key created in the UI.
 * Screenshots of every view land in test-results/screenshots/.
 */
import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../support/csv.js';
import { startFakeAdminApis, type FakeAdminApis } from '../support/fake-admin-apis.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { tempDir } from '../support/harness.js';
import { startServe, type ServedTollgate } from '../support/serve-process.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
const SHOTS = path.resolve('test-results/screenshots');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** "$0.0006" or "$1,234.50" for `value`, to the precision shown. */
function expectMoney(text: string | null, value: number) {
  const m = /^\$([\d,]+)\.(\d{2,4})$/.exec(text ?? '');
  expect(m, `money text "${text}"`).not.toBeNull();
  const shown = Number(`${m![1]!.replace(/,/g, '')}.${m![2]}`);
  expect(Math.abs(shown - value)).toBeLessThanOrEqual(0.5 * 10 ** -m![2]!.length + 1e-12);
}

describe.skipIf(!HAVE_CHROMIUM)(`dashboard end to end in Chromium${HAVE_CHROMIUM ? '' : ` (skipped: no browser at ${CHROMIUM}; apt-get install -y chromium)`}`, () => {
  let upstream: FakeUpstream;
  let adminApis: FakeAdminApis;
  let served: ServedTollgate;
  let dataDir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let client: OpenAI;
  let keyId = '';
  const pageErrors: string[] = [];

  async function admin<T>(channel: string, input: unknown = {}): Promise<T> {
    const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const res = await fetch(`${served.url}/api/${channel}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
    const body = (await res.json()) as { ok: boolean; data: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${channel}: ${body.error?.message}`);
    return body.data;
  }

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const view = async (name: string) => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { level: 1, name }).or(page.getByRole('region', { name: 'Totals' })).first().waitFor();
  };
  const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'Say hello' }] });
  const monthSpendOfKey = async () => {
    const r = await admin<{ rows: { keyId: string; costUsd: number; requests: number }[] }>('spend.query', { groupBy: ['keyId'] });
    return r.rows.find((x) => x.keyId === keyId) ?? { costUsd: 0, requests: 0 };
  };

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    upstream = await startFakeUpstream();
    adminApis = await startFakeAdminApis({ now: () => Date.now() });
    dataDir = tempDir('tollgate-e2e-');
    served = await startServe({
      dataDir,
      env: {
        TOLLGATE_OPENAI_BASE_URL: upstream.url,
        TOLLGATE_ANTHROPIC_BASE_URL: upstream.url,
        TOLLGATE_GEMINI_BASE_URL: upstream.url,
        TOLLGATE_OPENAI_ADMIN_BASE_URL: adminApis.url,
      },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, colorScheme: 'light' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    await upstream?.close();
    await adminApis?.close();
  });

  it('signs in with the link `npm run serve` printed, and shows the first-run setup', async () => {
    await page.goto(served.loginUrl);
    expect(new URL(page.url()).pathname).toBe('/');
    const welcome = page.getByRole('region', { name: 'Route a tool through Tollgate' });
    await welcome.waitFor();
    expect(await welcome.getByText(`export ANTHROPIC_BASE_URL=${served.url}/anthropic`).count()).toBe(1);
    await expect.poll(() => page.locator('.live-dot').first().textContent()).toBe('Live');
    // The cookie is HttpOnly: the page's own script cannot read it.
    expect(await page.evaluate('document.cookie')).toBe('');
    await shot('overview-first-run');
  });

  it('creates a wrapped key in the UI, shows its secret once, and meters SDK traffic under it', async () => {
    await view('Keys');
    await page.getByLabel('Name', { exact: true }).fill('e2e-openai');
    await page.getByLabel('Provider', { exact: true }).selectOption('openai');
    await page.getByLabel('Provider API key').fill('sk-test-e2e-upstream-0000');
    await page.getByLabel('Project').fill('checkout');
    await page.getByRole('button', { name: 'Create key' }).click();
    const created = page.getByRole('region', { name: '“e2e-openai” is ready' });
    await created.waitFor();
    const secret = (await created.getByLabel('The new Tollgate key').textContent())!.trim();
    expect(secret).toMatch(/^tg_/);
    const baseURL = (await created.locator('p', { hasText: 'Base URL for openai' }).locator('code').textContent())!.trim();
    expect(baseURL).toBe(`${served.url}/openai/v1`);
    await shot('keys-created');

    client = new OpenAI({ baseURL, apiKey: secret, maxRetries: 0 });
    for (let i = 0; i < 3; i++) expect((await ask()).choices[0]!.message.content).toBeTruthy();
    // The upstream got the real key, never the Tollgate one.
    expect(upstream.received.at(-1)!.headers.authorization).toBe('Bearer sk-test-e2e-upstream-0000');

    await created.getByRole('button', { name: "I've saved it" }).click();
    expect(await page.getByText(secret).count()).toBe(0);
    keyId = (await admin<{ id: string; name: string }[]>('keys.list')).find((k) => k.name === 'e2e-openai')!.id;

    await view('Overview');
    const spent = await monthSpendOfKey();
    expect(spent.requests).toBe(3);
    expect(spent.costUsd).toBeGreaterThan(0);
    const keyRow = page.getByRole('table', { name: 'Spend by key' }).getByRole('row', { name: /e2e-openai/ });
    await expect.poll(() => keyRow.locator('td').nth(3).textContent()).toBe('3');
    expectMoney(await keyRow.locator('td').nth(1).textContent(), spent.costUsd);
    const modelRow = page.getByRole('table', { name: 'Spend by model' }).getByRole('row', { name: /gpt-4o-mini/ });
    expectMoney(await modelRow.locator('td').nth(1).textContent(), spent.costUsd);
    expect(await page.getByRole('region', { name: 'Route a tool through Tollgate' }).count()).toBe(0);

    // Live: one more request shows up without a reload.
    await ask();
    const after = await monthSpendOfKey();
    await expect.poll(() => keyRow.locator('td').nth(3).textContent(), { timeout: 5000 }).toBe('4');
    expectMoney(await keyRow.locator('td').nth(1).textContent(), after.costUsd);
    await page.getByRole('img', { name: /Daily spend by model/ }).locator('.recharts-bar-rectangle').first().waitFor();
    await shot('overview');
  });

  it('sets a budget in the UI; crossing 50% moves the bar and shows a notice', async () => {
    const perRequest = (await monthSpendOfKey()).costUsd / 4;
    // A limit that 4 requests bring to 45%: the next one crosses 50%.
    const limit = Number(((perRequest * 4) / 0.45).toPrecision(6));
    await view('Budgets');
    await page.getByRole('button', { name: 'New budget' }).click();
    const form = page.locator('form.budget-form');
    await form.getByLabel('Name', { exact: true }).fill('E2E budget');
    await form.getByLabel('Key', { exact: true }).selectOption(keyId);
    await form.getByLabel('Limit, $').fill(String(limit));
    await form.getByRole('button', { name: 'Create budget' }).click();
    await page.getByRole('article', { name: 'E2E budget' }).waitFor();

    await view('Overview');
    const meter = page.getByRole('meter', { name: /^E2E budget/ });
    await expect.poll(async () => Number(await meter.getAttribute('aria-valuenow'))).toBeCloseTo(45, 0);
    expect(await page.locator('.meter-row', { has: meter }).getByText('under 50%').count()).toBe(1);

    await ask();
    await expect.poll(async () => Number(await meter.getAttribute('aria-valuenow')), { timeout: 5000 }).toBeGreaterThanOrEqual(50);
    expect(await page.locator('.meter-row', { has: meter }).getByText('past 50%').count()).toBe(1);
    const toast = page.locator('.toast', { hasText: 'Budget "E2E budget" at 50%' });
    await toast.waitFor();
    await page.getByRole('region', { name: 'Notices' }).getByText('Budget "E2E budget" at 50%').first().waitFor();
    await shot('overview-budget-50');
    await view('Budgets');
    await shot('budgets');
  });

  it('with hard stop enforcement off requests pass the stop; switched back on, the next is blocked and shows in activity', async () => {
    await view('Settings');
    const sw = page.getByRole('switch', { name: /Hard stop enforcement/ });
    await sw.uncheck();
    await expect.poll(async () => (await admin<{ hardStopEnforcement: boolean }>('settings.get')).hardStopEnforcement).toBe(false);
    await page.getByText('hard stop off').waitFor();
    // From 55% to 130%: past the 120% hard stop, yet every call succeeds.
    for (let i = 0; i < 7; i++) await ask();
    const status = (await admin<{ budget: { name: string }; percent: number }[]>('budgets.list')).find((b) => b.budget.name === 'E2E budget')!;
    expect(status.percent).toBeGreaterThan(120);

    await sw.check();
    await expect.poll(async () => (await admin<{ hardStopEnforcement: boolean }>('settings.get')).hardStopEnforcement).toBe(true);
    const err = await ask().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect(String((err as Error).message)).toMatch(/E2E budget/);

    await view('Activity');
    const first = page.getByRole('table', { name: 'Recent requests' }).getByRole('row').nth(1);
    await first.getByText('blocked', { exact: true }).waitFor({ timeout: 5000 });
    expect(await first.getByText('402').count()).toBe(1);
    expect(await first.getByText('e2e-openai').count()).toBe(1);
    await page.getByRole('table', { name: 'Audit log' }).getByText('block', { exact: true }).first().waitFor();
    await shot('activity');
  });

  it('exports requests and rollups as CSV with the rows the proxy recorded', async () => {
    await view('Settings');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export requests (CSV)' }).click()]);
    // Streamed from the history database by the HTTP export, not built in the page.
    expect(download.suggestedFilename()).toMatch(/^tollgate-history-.+-to-.+\.csv$/);
    const rows = parseCsv(fs.readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, ''));
    const mine = rows.filter((r) => r.key_id === keyId);
    expect(mine).toHaveLength(13);
    expect(mine.every((r) => r.model === 'gpt-4o-mini' && r.key_name === 'e2e-openai' && r.project === 'checkout')).toBe(true);
    const blocked = mine.filter((r) => (r.flags ?? '').split(';').includes('blocked'));
    expect(blocked).toHaveLength(1);
    expect(blocked[0]!.status).toBe('402');
    expect(mine.filter((r) => r.status === '200')).toHaveLength(12);
    await page.getByText('Downloading every request from', { exact: false }).waitFor();

    const [rollDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export rollups (CSV)' }).click()]);
    const roll = parseCsv(fs.readFileSync((await rollDl.path())!, 'utf8').replace(/^\ufeff/, '')).filter((r) => r.key_id === keyId);
    const total = (await monthSpendOfKey()).costUsd;
    expect(roll.reduce((s, r) => s + Number(r.requests), 0)).toBe(13);
    expect(roll.reduce((s, r) => s + Number(r.cost_usd), 0)).toBeCloseTo(total, 6);
    const sumCsv = mine.reduce((s, r) => s + (r.cost_usd ? Number(r.cost_usd) : 0), 0);
    expect(sumCsv).toBeCloseTo(total, 6);
    await shot('settings');
  });

  it('connects an admin key, tests it in words, polls, and marks spend the proxy did not see', async () => {
    // A teammate's key used straight against OpenAI, an hour ago: only the provider's usage report knows of it. The
    // Overview shows this month's unseen spend (in the server's zone, this process's): in a month's first hour the
    // call is placed half way between the month's start and now, so the test does not fail then.
    adminApis.openai.projects = [{ id: 'proj_1', name: 'Default', keys: [{ id: 'key_teammate', name: 'Teammate laptop', redacted_value: 'sk-proj-abc…wxyz' }] }];
    const now = new Date();
    const monthStart = new Date(now.getFullYear(), now.getMonth(), 1).getTime();
    const at = Math.max(now.getTime() - 3_600_000, monthStart + (now.getTime() - monthStart) / 2);
    adminApis.openai.calls = [{ at, apiKeyId: 'key_teammate', model: 'gpt-4o', project: 'proj_1', uncached: 200_000, output: 50_000, requests: 40 }];
    await view('Providers');
    await page.getByRole('button', { name: 'Connect a provider' }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Connect a provider’s usage' }) });
    await form.getByLabel('Provider', { exact: true }).selectOption('openai');
    await form.getByLabel('Name', { exact: true }).fill('Acme');
    await form.getByLabel('Admin key').fill('sk-admin-wrong-0000000000000000000');
    await form.getByRole('button', { name: 'Test the key' }).click();
    await form.locator('.note-error').waitFor();
    expect(await form.locator('.note-error').textContent()).toMatch(/401|rejected|not accepted|invalid/i);
    await form.getByLabel('Admin key').fill(adminApis.openai.adminKey);
    await form.getByRole('button', { name: 'Test the key' }).click();
    await form.locator('.note-info').waitFor();
    expect(await form.locator('.note-info').textContent()).toMatch(/OpenAI/);
    await form.getByRole('button', { name: 'Connect' }).click();
    const row = page.getByRole('table', { name: 'Usage connections' }).getByRole('row', { name: /Acme/ });
    await row.waitFor();
    await row.getByRole('button', { name: 'Poll now' }).click();
    await row.getByText('polling', { exact: true }).waitFor({ timeout: 15_000 });
    await page.getByRole('table', { name: 'Reconciliation' }).getByRole('row', { name: /Teammate laptop/ }).first().waitFor({ timeout: 10_000 });
    await shot('providers-usage');

    await view('Overview');
    const unseen = page.getByRole('region', { name: "Spend Tollgate didn't see" });
    const teammate = unseen.getByRole('row', { name: /Teammate laptop/ });
    await teammate.waitFor({ timeout: 10_000 });
    expect(await teammate.getByText('not through Tollgate').count()).toBe(1);
    const recon = await admin<{ totals: { unseenUsd: number } }>('usage.reconciliation', {});
    expect(recon.totals.unseenUsd).toBeGreaterThan(0);
    await shot('overview-unseen');
  });

  it('has every view reachable by keyboard, and saves a screenshot of each', async () => {
    await page.locator('body').click({ position: { x: 5, y: 880 } });
    for (const [i, name] of ['Overview', 'Budgets', 'Keys', 'Providers', 'Activity', 'Settings'].entries()) {
      await page.keyboard.press(String(i + 1));
      await expect.poll(() => page.locator('nav a[aria-current="page"]').textContent()).toBe(name);
      await page.waitForTimeout(100);
      await shot(`view-${i + 1}-${name.toLowerCase()}`);
    }
    // A second browser: the used link no longer signs in, the admin token pasted into the form does. Dark theme.
    const dark = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
    const darkPage = await dark.newPage();
    darkPage.on('pageerror', (e) => pageErrors.push(e.message));
    await darkPage.goto(served.loginUrl);
    expect(await darkPage.getByText('already used or has expired').count()).toBe(1);
    await darkPage.getByLabel('Admin token').fill(fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim());
    await darkPage.getByRole('button', { name: 'Sign in' }).click();
    await darkPage.getByRole('table', { name: 'Spend by key' }).getByRole('row', { name: /e2e-openai/ }).waitFor();
    await darkPage.getByRole('img', { name: /Daily spend by model/ }).locator('.recharts-bar-rectangle').first().waitFor();
    await darkPage.screenshot({ path: path.join(SHOTS, 'overview-dark.png'), fullPage: true });
    await dark.close();
    expect(pageErrors).toEqual([]);
  });
});
