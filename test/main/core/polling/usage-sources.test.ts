/**
 * Each provider's admin-API knowledge against fakes that follow the documented shapes: URLs, auth headers, every
 * page followed, fields parsed, key lists paged.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anthropicUsageSource } from '../../../../src/main/core/providers/anthropic/usage-api.js';
import { openaiUsageSource } from '../../../../src/main/core/providers/openai/usage-api.js';
import { openrouterUsageSource } from '../../../../src/main/core/providers/openrouter/usage-api.js';
import { fingerprint } from '../../../../src/main/core/keys/fingerprint.js';
import { createProviderClient, UsageApiError } from '../../../../src/main/core/polling/provider-client.js';
import type { SourceContext } from '../../../../src/main/core/polling/types.js';
import { startFakeAdminApis, type FakeAdminApis } from '../../../support/fake-admin-apis.js';
import { DAY, HOUR, NOW } from '../../../support/usage-fixture.js';

let fake: FakeAdminApis;
const http = createProviderClient({ fetch: globalThis.fetch, now: () => NOW });
const ctx = (secret: string): SourceContext => ({ baseUrl: fake.url, secret, http, now: NOW });
const month = { fromMs: NOW - 32 * DAY, toMs: NOW };

beforeEach(async () => {
  fake = await startFakeAdminApis({ now: () => NOW });
});
afterEach(() => fake.close());

describe('OpenAI usage source', () => {
  beforeEach(() => {
    fake.openai.calls = [
      { at: NOW - 31 * DAY + 5 * 60_000, apiKeyId: 'key_a', model: 'gpt-4o-mini-2024-07-18', project: 'proj_1', uncached: 1000, cacheRead: 4000, output: 300, requests: 4, costUsd: 0.25 },
      { at: NOW - 10 * DAY, apiKeyId: 'key_b', model: 'gpt-4o', project: 'proj_2', uncached: 2000, cacheWrite5m: 100, output: 50, batch: true, costUsd: 1.5 },
      { at: NOW - 30 * 60_000, apiKeyId: 'key_a', model: 'gpt-4o-mini-2024-07-18', project: 'proj_1', uncached: 10, output: 5 },
      { at: NOW - 30 * 60_000, apiKeyId: 'key_a', model: 'text-embedding-3-small', project: 'proj_1', uncached: 777, endpoint: 'embeddings', requests: 3 },
    ];
  });

  it('follows every page of a month of hourly buckets and reads tokens, cache and batch', async () => {
    const r = await openaiUsageSource.fetchUsage(ctx(fake.openai.adminKey), month);
    // 32 days of hourly buckets at 168 a page: 768 buckets, 5 pages, each asking for the previous next_page.
    const pages = fake.hits('/v1/organization/usage/completions');
    expect(pages).toHaveLength(5);
    expect(pages[0]!.query.get('page')).toBeNull();
    for (const p of pages.slice(1)) expect(p.query.get('page')).toMatch(/^page_/);
    expect(pages[0]!.headers.authorization).toBe(`Bearer ${fake.openai.adminKey}`);
    expect(pages[0]!.query.get('bucket_width')).toBe('1h');
    expect(pages[0]!.query.getAll('group_by')).toEqual(['api_key_id', 'model', 'project_id', 'batch']);
    expect(fake.hits('/v1/organization/usage/embeddings')).toHaveLength(5);

    expect(r.usageWindow).toEqual({ fromMs: NOW - 32 * DAY, toMs: NOW });
    const first = r.usage.find((u) => u.start === NOW - 31 * DAY)!;
    expect(first).toMatchObject({ kind: 'completions', providerKeyId: 'key_a', model: 'gpt-4o-mini-2024-07-18', project: 'proj_1', batch: false, requests: 4, costUsd: null, end: NOW - 31 * DAY + HOUR });
    // input_tokens includes cached and cache-write tokens.
    expect(first.usage).toMatchObject({ inputTokens: 5000, cacheReadTokens: 4000, cacheWrite5mTokens: 0, outputTokens: 300 });
    const batch = r.usage.find((u) => u.providerKeyId === 'key_b')!;
    expect(batch).toMatchObject({ batch: true, model: 'gpt-4o' });
    expect(batch.usage).toMatchObject({ inputTokens: 2100, cacheWrite5mTokens: 100 });
    const emb = r.usage.find((u) => u.kind === 'embeddings')!;
    expect(emb).toMatchObject({ model: 'text-embedding-3-small', requests: 3 });
    expect(emb.usage.inputTokens).toBe(777);
    expect(r.usage).toHaveLength(4);

    // Costs: daily buckets in dollars, one page of up to 180 days.
    expect(fake.hits('/v1/organization/costs')[0]!.query.get('bucket_width')).toBe('1d');
    expect(r.billedWindow).toEqual({ fromMs: NOW - 32 * DAY - 12 * HOUR, toMs: NOW + 12 * HOUR });
    expect(r.billed.reduce((a, b) => a + b.costUsd, 0)).toBeCloseTo(1.75, 10);
    expect(r.billed.find((b) => b.project === 'proj_2')).toMatchObject({ costUsd: 1.5, start: NOW - 10 * DAY - 12 * HOUR });
  });

  it('lists every project\'s keys, page by page', async () => {
    fake.openai.listPageSize = 1;
    fake.openai.projects = [
      { id: 'proj_1', name: 'Web', keys: [{ id: 'key_a', name: 'ci', redacted_value: 'sk-proj-abc...wxyz' }, { id: 'key_c', name: 'dev', redacted_value: 'sk-proj-...1234' }] },
      { id: 'proj_2', name: 'Batch', keys: [{ id: 'key_b', name: 'nightly', redacted_value: 'sk-svcacct-...9f2c' }] },
    ];
    const keys = await openaiUsageSource.listKeys(ctx(fake.openai.adminKey));
    expect(keys).toEqual([
      { id: 'key_a', name: 'ci', redacted: 'sk-proj-abc...wxyz', project: 'proj_1' },
      { id: 'key_c', name: 'dev', redacted: 'sk-proj-...1234', project: 'proj_1' },
      { id: 'key_b', name: 'nightly', redacted: 'sk-svcacct-...9f2c', project: 'proj_2' },
    ]);
    expect(fake.hits('/v1/organization/projects/proj_1/api_keys')).toHaveLength(2);
    expect(fake.hits('/v1/organization/projects/proj_1/api_keys')[1]!.query.get('after')).toBe('key_a');
  });

  it('maps a wrong key to a rejection and a garbled body to a malformed answer', async () => {
    await expect(openaiUsageSource.fetchUsage(ctx('sk-admin-wrong-key-00000000000'), month)).rejects.toMatchObject({ kind: 'rejected', status: 401 });
    fake.failNext('/v1/organization/usage/completions', { status: 200, raw: '{"object":"page","data":[' });
    await expect(openaiUsageSource.fetchUsage(ctx(fake.openai.adminKey), month)).rejects.toMatchObject({ kind: 'malformed' });
    fake.failNext('/v1/organization/usage/completions', { status: 200, body: { object: 'page', data: [{ object: 'bucket', results: [] }], has_more: false } });
    await expect(openaiUsageSource.fetchUsage(ctx(fake.openai.adminKey), month)).rejects.toThrow(/lacks start_time/);
  });

  it('says a project key is the wrong kind of key', () => {
    expect(openaiUsageSource.checkKey('sk-proj-abcdefghijklmnop')).toMatch(/admin key/);
    expect(openaiUsageSource.checkKey('sk-admin-abcdefghijklmnop')).toBeNull();
  });
});

describe('Anthropic usage source', () => {
  beforeEach(() => {
    fake.anthropic.calls = [
      { at: NOW - 20 * DAY, apiKeyId: 'apikey_01A', model: 'claude-sonnet-4-5-20250929', project: 'wrkspc_1', uncached: 1500, cacheRead: 200, cacheWrite5m: 500, cacheWrite1h: 1000, output: 500, costUsd: 1.2345 },
      { at: NOW - 2 * HOUR, apiKeyId: null, model: 'claude-haiku-4-5', uncached: 10, output: 20, batch: true, costUsd: 0.0001 },
      { at: NOW - 2 * HOUR, apiKeyId: 'apikey_01B', model: 'claude-sonnet-4-5-20250929', uncached: 300_000, output: 10, longContext: true },
    ];
  });

  it('sends the admin key and version, follows pages and reads cache reads and both cache-write TTLs', async () => {
    const r = await anthropicUsageSource.fetchUsage(ctx(fake.anthropic.adminKey), month);
    const pages = fake.hits('/v1/organizations/usage_report/messages');
    expect(pages).toHaveLength(5);
    expect(pages[0]!.headers['x-api-key']).toBe(fake.anthropic.adminKey);
    expect(pages[0]!.headers['anthropic-version']).toBe('2023-06-01');
    expect(pages[0]!.headers.authorization).toBeUndefined();
    expect(pages[0]!.query.getAll('group_by[]')).toEqual(['api_key_id', 'workspace_id', 'model', 'service_tier', 'context_window']);
    expect(pages[0]!.query.get('starting_at')).toBe(new Date(NOW - 32 * DAY).toISOString().replace('.000Z', 'Z'));
    expect(pages[4]!.query.get('page')).toMatch(/^page_/);

    const cached = r.usage.find((u) => u.providerKeyId === 'apikey_01A')!;
    expect(cached).toMatchObject({ kind: 'messages', project: 'wrkspc_1', model: 'claude-sonnet-4-5-20250929', batch: false, longContext: false, requests: null });
    expect(cached.usage).toEqual({ inputTokens: 3200, cacheReadTokens: 200, cacheWrite5mTokens: 500, cacheWrite1hTokens: 1000, outputTokens: 500, reasoningTokens: 0 });
    // Workbench usage has no key; the default workspace has no id.
    expect(r.usage.find((u) => u.providerKeyId === null)).toMatchObject({ batch: true, project: null, model: 'claude-haiku-4-5' });
    expect(r.usage.find((u) => u.providerKeyId === 'apikey_01B')).toMatchObject({ longContext: true });
  });

  it('reads cost report amounts as decimal strings in cents', async () => {
    const r = await anthropicUsageSource.fetchUsage(ctx(fake.anthropic.adminKey), month);
    const costPages = fake.hits('/v1/organizations/cost_report');
    // 33 daily buckets at most 31 a page.
    expect(costPages).toHaveLength(2);
    expect(costPages[0]!.query.getAll('group_by[]')).toEqual(['workspace_id', 'description']);
    const sonnet = r.billed.find((b) => b.project === 'wrkspc_1')!;
    // "123.4500" cents is $1.2345: the fraction is kept.
    expect(sonnet.costUsd).toBeCloseTo(1.2345, 10);
    expect(sonnet.item).toBe('claude-sonnet-4-5-20250929 Usage - Input Tokens');
    expect(r.billed.reduce((a, b) => a + b.costUsd, 0)).toBeCloseTo(1.2346, 10);
  });

  it('lists API keys with their hints, following after_id', async () => {
    fake.anthropic.listPageSize = 2;
    fake.anthropic.keys = [
      { id: 'apikey_01A', name: 'Claude Code (Ana)', partial_key_hint: 'sk-ant-api03-R2D...igAA', workspace_id: 'wrkspc_1' },
      { id: 'apikey_01B', name: 'ci', partial_key_hint: 'sk-ant-api03-xyz...QQ12' },
      { id: 'apikey_01C', name: 'old', partial_key_hint: 'sk-ant-api03-abc...ZZ99' },
    ];
    const keys = await anthropicUsageSource.listKeys(ctx(fake.anthropic.adminKey));
    expect(keys.map((k) => [k.id, k.name, k.redacted, k.project])).toEqual([
      ['apikey_01A', 'Claude Code (Ana)', 'sk-ant-api03-R2D...igAA', 'wrkspc_1'],
      ['apikey_01B', 'ci', 'sk-ant-api03-xyz...QQ12', null],
      ['apikey_01C', 'old', 'sk-ant-api03-abc...ZZ99', null],
    ]);
    const hits = fake.hits('/v1/organizations/api_keys');
    expect(hits).toHaveLength(2);
    expect(hits[1]!.query.get('after_id')).toBe('apikey_01B');
  });

  it('answers an empty window with no rows', async () => {
    fake.anthropic.calls = [];
    const r = await anthropicUsageSource.fetchUsage(ctx(fake.anthropic.adminKey), { fromMs: NOW - 3 * HOUR, toMs: NOW });
    expect(r.usage).toEqual([]);
    expect(r.billed).toEqual([]);
  });

  it('rejects a wrong key with a 401 error in words', async () => {
    const err = await anthropicUsageSource.fetchUsage(ctx('sk-ant-admin01-nope-000000000'), month).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageApiError);
    expect((err as UsageApiError).message).toBe('HTTP 401: invalid x-api-key');
  });
});

describe('OpenRouter usage source', () => {
  it('reads the key\'s spend today and its limit, under the key\'s fingerprint', async () => {
    const secret = 'sk-or-v1-0123456789abcdef0123456789abcdef';
    fake.openrouter.keys[secret] = { label: 'sk-or-v1-012...def', limit: 100, limit_remaining: 74.5, limit_reset: 'monthly', usage_daily: 3.25, usage_weekly: 10, usage_monthly: 25.5 };
    const r = await openrouterUsageSource.fetchUsage(ctx(secret), month);
    expect(fake.hits('/api/v1/key')[0]!.headers.authorization).toBe(`Bearer ${secret}`);
    const day = Date.UTC(2026, 0, 15);
    expect(r.usageWindow).toEqual({ fromMs: day, toMs: day + DAY });
    expect(r.usage).toEqual([expect.objectContaining({ kind: 'key-daily', start: day, providerKeyId: fingerprint(secret), costUsd: 3.25, model: null })]);
    expect(r.limits).toEqual({ limitUsd: 100, remainingUsd: 74.5, resets: 'monthly', usageDailyUsd: 3.25, usageWeeklyUsd: 10, usageMonthlyUsd: 25.5 });
    expect(r.keys).toEqual([{ id: fingerprint(secret), name: 'sk-or-v1-012...def', redacted: 'sk-or-v1-012...def', project: null, fingerprint: fingerprint(secret) }]);
    expect(await openrouterUsageSource.probe(ctx(secret))).toBe('the key is valid: $3.25 spent today, $74.50 left of a $100.00 limit');
  });
});
