/**
 * Usage polling end to end: a real core on loopback, its admin API over HTTP (as the dashboard and curl use it),
 * fake admin APIs for the providers, conf and the file secrets in a temp data folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Budget, BudgetAlert, BudgetStatus } from '../../../../src/main/contract/budgets.js';
import type {
  ReconciliationResult,
  ReportedUsageResult,
  TestConnectionResult,
  UsageConnectionDto,
  UsageSourceDto,
} from '../../../../src/main/contract/polling.js';
import { startFakeAdminApis, type FakeAdminApis } from '../../../support/fake-admin-apis.js';
import { startTollgate, tempDir, type Tollgate } from '../../../support/harness.js';

let fake: FakeAdminApis;
let tg: Tollgate;
const HOUR = 3_600_000;

function env() {
  return { TOLLGATE_OPENAI_ADMIN_BASE_URL: fake.url, TOLLGATE_ANTHROPIC_ADMIN_BASE_URL: fake.url, TOLLGATE_OPENROUTER_BASE_URL: fake.url };
}

async function ok<T>(channel: string, input?: unknown): Promise<T> {
  const r = await tg.admin<T>(channel, input);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data!;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

beforeEach(async () => {
  fake = await startFakeAdminApis({ now: () => Date.now() });
  const now = Date.now();
  fake.openai.projects = [
    {
      id: 'proj_1',
      name: 'Web',
      keys: [
        { id: 'key_a', name: 'ci', redacted_value: 'sk-proj-...wxyz' },
        { id: 'key_b', name: 'nightly', redacted_value: 'sk-proj-...9999' },
      ],
    },
  ];
  fake.openai.calls = [{ at: now - 2 * HOUR, apiKeyId: 'key_b', model: 'gpt-4o-mini', uncached: 1_000_000, output: 100_000, requests: 40, costUsd: 0.21 }];
});
afterEach(async () => {
  await tg?.stop();
  await fake.close();
});

describe('usage channels over HTTP', () => {
  it('connects, tests, polls, reports, reconciles and deletes', async () => {
    tg = await startTollgate({ core: { env: env() } });
    const sources = await ok<UsageSourceDto[]>('usage.sources');
    expect(sources.map((s) => [s.id, s.baseUrlEnv, s.coverage])).toEqual([
      ['openai', 'TOLLGATE_OPENAI_ADMIN_BASE_URL', 'organization'],
      ['anthropic', 'TOLLGATE_ANTHROPIC_ADMIN_BASE_URL', 'organization'],
      ['openrouter', 'TOLLGATE_OPENROUTER_BASE_URL', 'key'],
    ]);

    // "Test connection" answers in words, before anything is saved.
    const bad = await ok<TestConnectionResult>('usage.connections.test', { provider: 'openai', adminKey: 'sk-admin-not-the-right-one-000000' });
    expect(bad.ok).toBe(false);
    expect(bad.httpStatus).toBe(401);
    expect(bad.message).toMatch(/^OpenAI rejected this key \(HTTP 401: Incorrect API key provided.*\)\. Use an admin key \(sk-admin-…\) made by an organization owner/);
    const good = await ok<TestConnectionResult>('usage.connections.test', { provider: 'openai', adminKey: fake.openai.adminKey });
    expect(good).toEqual({ ok: true, message: 'Connected to OpenAI: the admin key can read organization usage, and 2 API keys are listed by name.', httpStatus: 200, keysFound: 2 });
    const down = await ok<TestConnectionResult>('usage.connections.test', { provider: 'anthropic', adminKey: 'sk-ant-admin01-x-0000000000', baseUrl: 'http://127.0.0.1:9' });
    expect(down.ok).toBe(false);
    expect(down.message).toMatch(/^Could not reach Anthropic: could not reach http:\/\/127\.0\.0\.1:9: .+\. Check the base URL \(http:\/\/127\.0\.0\.1:9\)/);

    const created = await ok<UsageConnectionDto>('usage.connections.save', { provider: 'openai', name: 'Acme', adminKey: fake.openai.adminKey });
    expect(created).toMatchObject({ provider: 'openai', name: 'Acme', keyLabel: 'sk-admin-…0000', baseUrl: fake.url, baseUrlOverride: null, intervalMinutes: 5, enabled: true });
    expect(JSON.stringify(created)).not.toContain(fake.openai.adminKey);

    const [polled] = await ok<UsageConnectionDto[]>('usage.pollNow', { id: created.id });
    expect(polled).toMatchObject({ state: 'ok', keysKnown: 2, consecutiveFailures: 0 });
    expect(polled!.asOf).toBeGreaterThan(Date.now() - 60_000);

    const reported = await ok<ReportedUsageResult>('usage.reported', {});
    expect(reported.keys).toEqual([expect.objectContaining({ providerKeyId: 'key_b', name: 'nightly', keyId: 'openai:key_b', match: null, inputTokens: 1_000_000, outputTokens: 100_000, requests: 40, asOf: polled!.asOf })]);
    // gpt-4o-mini: $0.15 per million input, $0.60 per million output.
    expect(reported.keys[0]!.costUsd).toBeCloseTo(0.21, 6);
    expect(reported.models).toEqual([expect.objectContaining({ provider: 'openai', model: 'gpt-4o-mini', priced: true })]);
    expect(reported.billed.reduce((a, b) => a + b.costUsd, 0)).toBeCloseTo(0.21, 6);

    const rec = await ok<ReconciliationResult>('usage.reconciliation', {});
    expect(rec.rows).toEqual([expect.objectContaining({ keyId: 'openai:key_b', keyName: 'nightly', observedUsd: 0, note: '$0.21 reported by OpenAI never passed through Tollgate' })]);
    expect(rec.summary).toMatch(/^Providers reported \$0\.21 .* that did not pass through Tollgate, on 1 key: nightly\.$/);

    expect(await ok('usage.connections.delete', { id: created.id })).toEqual({ deleted: true });
    expect(await ok('usage.connections.list')).toEqual([]);
    expect((await ok<ReportedUsageResult>('usage.reported', {})).keys).toEqual([]);
    expect(await ok('usage.connections.delete', { id: created.id })).toEqual({ deleted: false });
  });

  it('refuses bad input naming the field', async () => {
    tg = await startTollgate({ core: { env: env() } });
    const err = async (input: unknown) => {
      const r = await tg.admin('usage.connections.save', input);
      expect(r.status).toBe(400);
      return r.body.error!;
    };
    expect(await err({ provider: 'gemini', adminKey: 'x' })).toMatchObject({ field: 'provider' });
    expect(await err({ provider: 'openai' })).toMatchObject({ field: 'adminKey', message: expect.stringMatching(/is required: paste an admin key/) });
    expect(await err({ provider: 'openai', adminKey: 'sk-proj-abcdefghijklmnopqrstuvwxyz' })).toMatchObject({ field: 'adminKey', message: expect.stringMatching(/project key/) });
    expect(await err({ provider: 'anthropic', adminKey: 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz' })).toMatchObject({ field: 'adminKey' });
    expect(await err({ provider: 'openai', adminKey: fake.openai.adminKey, intervalMinutes: 0.25 })).toMatchObject({ field: 'intervalMinutes', message: expect.stringMatching(/at most once a minute/) });
    expect(await err({ provider: 'openai', adminKey: fake.openai.adminKey, baseUrl: 'ftp://x' })).toMatchObject({ field: 'baseUrl' });
    await ok('usage.connections.save', { provider: 'openai', adminKey: fake.openai.adminKey });
    expect(await err({ provider: 'openai', adminKey: fake.openai.adminKey })).toMatchObject({ field: 'adminKey', message: 'adminKey: is already connected as "OpenAI usage"' });
    const r = await tg.admin('usage.pollNow', { id: 'conn_nope' });
    expect(r.status).toBe(404);
  });

  it('streams usage events over SSE', async () => {
    tg = await startTollgate({ core: { env: env() } });
    const ctrl = new AbortController();
    const res = await fetch(`${tg.url}/api/events`, { headers: { authorization: `Bearer ${tg.core.adminToken}` }, signal: ctrl.signal });
    const reader = res.body!.getReader();
    const c = await ok<UsageConnectionDto>('usage.connections.save', { provider: 'openai', adminKey: fake.openai.adminKey });
    await ok('usage.pollNow', { id: c.id });
    let text = '';
    while (!/event: usage\.updated\ndata: .*\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    const data = JSON.parse(/event: usage\.updated\ndata: (.*)\n/.exec(text)![1]!) as { connectionId: string; rows: number };
    expect(data).toMatchObject({ connectionId: c.id, provider: 'openai', rows: 1 });
    expect(text).toContain('event: usage.connectionsChanged');
    ctrl.abort();
  });
});

describe('admin keys at rest', () => {
  it('never stores an admin key in plaintext, and reads it back after a restart', async () => {
    const dataDir = tempDir();
    const openrouterKey = 'sk-or-v1-' + 'f'.repeat(64);
    fake.openrouter.keys[openrouterKey] = { label: 'sk-or-v1-fff...fff', limit: 10, limit_remaining: 9, usage_daily: 1, usage_weekly: 1, usage_monthly: 1 };
    tg = await startTollgate({ dataDir, core: { env: env() } });
    await ok('usage.connections.save', { provider: 'openai', adminKey: fake.openai.adminKey });
    await ok('usage.connections.save', { provider: 'anthropic', adminKey: fake.anthropic.adminKey });
    await ok('usage.connections.save', { provider: 'openrouter', adminKey: openrouterKey });
    await ok('usage.pollNow', {});
    // A wrong key's error message from the provider must not leak it either.
    await ok('usage.connections.test', { provider: 'openai', adminKey: 'sk-admin-wrong-but-secret-1234567890' });
    expect(tg.core.flush()).toBe(true);
    await tg.stop();

    const files = filesUnder(dataDir);
    expect(files.some((f) => f.endsWith('tollgate.json'))).toBe(true);
    const stored = JSON.parse(fs.readFileSync(path.join(dataDir, 'tollgate.json'), 'utf8')) as { usage: { connections: { sealedKey: string }[] } };
    expect(stored.usage.connections).toHaveLength(3);
    for (const c of stored.usage.connections) expect(c.sealedKey).toMatch(/^v1:/);
    for (const secret of [fake.openai.adminKey, fake.anthropic.adminKey, openrouterKey, 'sk-admin-wrong-but-secret-1234567890']) {
      // The whole key, and any long piece of it, is nowhere in the data folder or the log.
      const probe = secret.slice(-20);
      for (const f of files) expect(fs.readFileSync(f, 'latin1'), f).not.toContain(probe);
      expect(tg.log.lines.join('\n')).not.toContain(probe);
    }

    tg = await startTollgate({ dataDir, core: { env: env() } });
    const list = await ok<UsageConnectionDto[]>('usage.connections.list');
    expect(list.map((c) => [c.provider, c.state])).toEqual([
      ['openai', 'ok'],
      ['anthropic', 'ok'],
      ['openrouter', 'ok'],
    ]);
    const before = fake.hits('/api/v1/key').length;
    const polled = await ok<UsageConnectionDto[]>('usage.pollNow', {});
    expect(polled.every((c) => c.state === 'ok')).toBe(true);
    // The sealed key decrypted and was sent again.
    expect(fake.hits('/api/v1/key').length).toBeGreaterThan(before);
    expect(fake.hits('/api/v1/key').at(-1)!.headers.authorization).toBe(`Bearer ${openrouterKey}`);
  });
});

describe('budgets count reported spend', () => {
  it('a key seen only in provider data counts toward a budget and fires its thresholds', async () => {
    tg = await startTollgate({ core: { env: env() } });
    const alerts: BudgetAlert[] = [];
    tg.core.events.on('budget.alert', (a) => alerts.push(a));
    // $0.30 for the whole OpenAI organization; the provider reports $0.21 on key_b, which never passed the proxy.
    const team = await ok<Budget>('budgets.create', { name: 'Team OpenAI', scope: { provider: 'openai' }, period: { kind: 'total' }, limitUsd: 0.3, thresholds: [50, 80, 100] });
    const mine = await ok<Budget>('budgets.create', { name: 'Proxy only', scope: { provider: 'openai' }, period: { kind: 'total' }, limitUsd: 0.3, counts: 'observed' });
    const nightly = await ok<Budget>('budgets.create', { name: 'nightly key', scope: { keyId: 'openai:key_b' }, period: { kind: 'total' }, limitUsd: 1, counts: 'reported' });
    const c = await ok<UsageConnectionDto>('usage.connections.save', { provider: 'openai', adminKey: fake.openai.adminKey });
    const [polled] = await ok<UsageConnectionDto[]>('usage.pollNow', { id: c.id });

    const statuses = await ok<BudgetStatus[]>('budgets.list');
    const st = (id: string) => statuses.find((s) => s.budget.id === id)!;
    expect(st(team.id).spentUsd).toBeCloseTo(0.21, 6);
    expect(st(team.id).reportedUsd).toBeCloseTo(0.21, 6);
    expect(st(team.id).reportedAsOf).toBe(polled!.asOf);
    expect(st(team.id).percent).toBeCloseTo(70, 4);
    expect(st(nightly.id).spentUsd).toBeCloseTo(0.21, 6);
    expect(st(mine.id).spentUsd).toBe(0);

    const fired = () => alerts.filter((a) => a.budgetId === team.id && a.kind === 'threshold').map((a) => a.tier);
    expect(fired()).toEqual([50]);
    expect(alerts.some((a) => a.budgetId === mine.id)).toBe(false);

    // More direct spend lands; polling again crosses 80% and fires it, and 50% does not fire twice.
    fake.openai.calls.push({ at: Date.now() - HOUR, apiKeyId: 'key_b', model: 'gpt-4o-mini', uncached: 200_000, requests: 5 });
    await ok('usage.pollNow', { id: c.id });
    await ok('usage.pollNow', { id: c.id });
    expect(fired()).toEqual([50, 80]);
    const after = (await ok<BudgetStatus[]>('budgets.list')).find((s) => s.budget.id === team.id)!;
    expect(after.spentUsd).toBeCloseTo(0.24, 6);
    expect(after.fired).toEqual([50, 80]);
    expect(alerts.find((a) => a.tier === 80)!.title).toMatch(/Team OpenAI/);
  });
});
