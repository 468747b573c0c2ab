/**
 * Provider key ids shown as names and tied to Tollgate's keys, and the dollars Tollgate puts on reported tokens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../../../../src/main/core/keys/fingerprint.js';
import { matchKeys, parseRedacted, redactedCompatible } from '../../../../src/main/core/polling/key-matching.js';
import { createUsageFixture, DAY, HOUR, NOW, type UsageFixture } from '../../../support/usage-fixture.js';

let fx: UsageFixture;
afterEach(() => fx?.close());

const all = (f: UsageFixture) => f.polling.reportedSpend.rows(0, Number.MAX_SAFE_INTEGER);
const key = (prefix: string, tail: string) => prefix + 'Q'.repeat(40) + tail;

describe('redacted values', () => {
  it('parses the shapes providers and Tollgate use', () => {
    expect(parseRedacted('sk-proj-…abcd')).toEqual({ prefix: 'sk-proj-', suffix: 'abcd' });
    expect(parseRedacted('sk-abc...def')).toEqual({ prefix: 'sk-abc', suffix: 'def' });
    expect(parseRedacted('sk-ant-api03-R2D...igAA')).toEqual({ prefix: 'sk-ant-api03-R2D', suffix: 'igAA' });
    expect(parseRedacted('sk-****wxyz')).toEqual({ prefix: 'sk-', suffix: 'wxyz' });
    expect(parseRedacted('no gap here')).toBeNull();
  });

  it('matches on the visible tail and compatible heads only', () => {
    expect(redactedCompatible('sk-proj-abc...wxyz', 'sk-proj-…wxyz')).toBe(true);
    expect(redactedCompatible('sk-ant-api03-R2D...igAA', 'sk-ant-api03-…igAA')).toBe(true);
    expect(redactedCompatible('sk-proj-abc...wxyz', 'sk-proj-…wxyZ')).toBe(false);
    expect(redactedCompatible('sk-svcacct-...wxyz', 'sk-proj-…wxyz')).toBe(false);
    // Two characters of tail say too little.
    expect(redactedCompatible('sk-...yz', 'sk-…yz')).toBe(false);
  });

  it('leaves ambiguous matches unmatched rather than guessing', () => {
    const tg = (id: string, label: string) => ({ id, kind: 'passthrough' as const, label, name: null, provider: 'openai', project: null, owner: null, createdAt: 0, lastSeenAt: 0, revokedAt: null, upstreamLabel: null, subscription: false });
    const m = matchKeys(
      [
        { id: 'key_a', name: 'a', redacted: 'sk-proj-...1111', project: null },
        { id: 'key_b', name: 'b', redacted: 'sk-proj-...2222', project: null },
      ],
      [tg('fp_1', 'sk-proj-…1111'), tg('fp_2', 'sk-proj-…2222'), tg('fp_3', 'sk-proj-…2222')],
      'openai',
    );
    expect(m.get('key_a')).toMatchObject({ keyId: 'fp_1', match: 'redacted' });
    expect(m.has('key_b')).toBe(false);
  });
});

describe('key names and Tollgate keys', () => {
  it('shows provider key ids as names and ties them to passthrough and wrapped keys', async () => {
    fx = await createUsageFixture();
    const direct = key('sk-proj-', 'wxyz');
    const fp = fx.keys.identify(direct, 'openai', false, NOW)!.id;
    const wrapped = fx.keys.create({ name: 'Ana laptop', provider: 'openai', providerKey: key('sk-proj-', '5678'), project: 'web', owner: 'ana' });
    fx.fake.openai.projects = [
      {
        id: 'proj_1',
        name: 'Web',
        keys: [
          { id: 'key_a', name: 'ci', redacted_value: 'sk-proj-QQQ...wxyz' },
          { id: 'key_w', name: 'ana-laptop', redacted_value: 'sk-proj-...5678' },
          { id: 'key_b', name: 'nightly', redacted_value: 'sk-proj-...9999' },
        ],
      },
    ];
    fx.fake.openai.calls = [
      { at: NOW - 2 * HOUR, apiKeyId: 'key_a', model: 'gpt-4o-mini', project: 'proj_1', uncached: 100, output: 10 },
      { at: NOW - 2 * HOUR, apiKeyId: 'key_w', model: 'gpt-4o-mini', project: 'proj_1', uncached: 200, output: 20 },
      { at: NOW - 2 * HOUR, apiKeyId: 'key_b', model: 'gpt-4o-mini', project: 'proj_1', uncached: 300, output: 30 },
    ];
    await fx.polling.api['usage.connections.save']({ provider: 'openai', adminKey: fx.fake.openai.adminKey });
    await fx.advance(0);

    const byProviderKey = new Map(all(fx).map((r) => [r.providerKeyId, r]));
    expect(byProviderKey.get('key_a')).toMatchObject({ keyId: fp, project: 'proj_1', provider: 'openai' });
    // A wrapped key's project is the one budgets scoped by project know.
    expect(byProviderKey.get('key_w')).toMatchObject({ keyId: wrapped.key.id, project: 'web' });
    expect(byProviderKey.get('key_b')).toMatchObject({ keyId: 'openai:key_b', project: 'proj_1' });

    const reported = await fx.polling.api['usage.reported']({});
    const rows = new Map(reported.keys.map((k) => [k.providerKeyId, k]));
    expect(rows.get('key_a')).toMatchObject({ name: 'ci', redacted: 'sk-proj-QQQ...wxyz', match: 'redacted', keyId: fp, inputTokens: 100 });
    expect(rows.get('key_w')).toMatchObject({ name: 'ana-laptop', match: 'redacted', keyId: wrapped.key.id });
    expect(rows.get('key_b')).toMatchObject({ name: 'nightly', match: null, keyId: 'openai:key_b' });
    expect((await fx.polling.api['usage.connections.list']())[0]).toMatchObject({ keysKnown: 3, keyListError: null });
  });

  it('keeps polling usage when the admin key may not list keys, and says why', async () => {
    fx = await createUsageFixture();
    fx.fake.openai.calls = [{ at: NOW - HOUR, apiKeyId: 'key_a', model: 'gpt-4o-mini', uncached: 100, output: 10 }];
    fx.fake.failNext('/v1/organization/projects', { status: 403, body: { error: { message: 'Missing scopes: api.management.read' } } });
    await fx.polling.api['usage.connections.save']({ provider: 'openai', adminKey: fx.fake.openai.adminKey });
    await fx.advance(0);
    const c = (await fx.polling.api['usage.connections.list']())[0]!;
    expect(c.state).toBe('ok');
    expect(c.keyListError).toBe('HTTP 403: Missing scopes: api.management.read');
    expect(c.status).toMatch(/Key names unavailable: HTTP 403/);
    expect(all(fx)[0]).toMatchObject({ keyId: 'openai:key_a' });
  });

  it('ties an OpenRouter key to its fingerprint exactly', async () => {
    fx = await createUsageFixture();
    const secret = 'sk-or-v1-' + 'a'.repeat(64);
    fx.fake.openrouter.keys[secret] = { label: 'sk-or-v1-aaa...aaa', limit: null, limit_remaining: null, usage_daily: 1.5, usage_weekly: 4, usage_monthly: 9 };
    await fx.polling.api['usage.connections.save']({ provider: 'openrouter', name: 'Research key', adminKey: secret });
    await fx.advance(0);
    expect(all(fx)).toEqual([
      { provider: 'openrouter', keyId: fingerprint(secret), providerKeyId: fingerprint(secret), model: null, project: null, start: Date.UTC(2026, 0, 15), end: Date.UTC(2026, 0, 16), costUsd: 1.5, inputTokens: 0, outputTokens: 0, asOf: NOW },
    ]);
    const c = (await fx.polling.api['usage.connections.list']())[0]!;
    expect(c.limits).toEqual({ limitUsd: null, remainingUsd: null, resets: null, usageDailyUsd: 1.5, usageWeeklyUsd: 4, usageMonthlyUsd: 9, asOf: NOW });
    // Later the same day: today's running figure replaces the earlier one.
    fx.fake.openrouter.keys[secret]!.usage_daily = 2.25;
    await fx.advance(5 * 60_000);
    expect(all(fx).map((r) => r.costUsd)).toEqual([2.25]);
  });
});

describe('reported dollars', () => {
  it('prices a bucket of many calls per call, so sums never hit long-context rates', async () => {
    fx = await createUsageFixture();
    fx.fake.anthropic.calls = [
      // Two 150k-token calls in one hour: 300k input in the bucket, but each call is below the 200k threshold.
      { at: NOW - 3 * HOUR, apiKeyId: 'apikey_short', model: 'claude-sonnet-4-5', uncached: 150_000 },
      { at: NOW - 3 * HOUR + 60_000, apiKeyId: 'apikey_short', model: 'claude-sonnet-4-5', uncached: 150_000 },
      // One call the provider says was long-context.
      { at: NOW - 3 * HOUR, apiKeyId: 'apikey_long', model: 'claude-sonnet-4-5', uncached: 300_000, longContext: true },
    ];
    await fx.polling.api['usage.connections.save']({ provider: 'anthropic', adminKey: fx.fake.anthropic.adminKey });
    await fx.advance(0);
    const cost = new Map(all(fx).map((r) => [r.providerKeyId, r.costUsd]));
    // $3 per million input tokens below 200k; $6 above.
    expect(cost.get('apikey_short')).toBeCloseTo(0.9, 10);
    expect(cost.get('apikey_long')).toBeCloseTo(1.8, 10);
  });

  it('halves batch usage, prices cache reads and writes, and flags models without a price', async () => {
    fx = await createUsageFixture({ overrides: [{ provider: 'openai', model: 'house-model*', inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5, cacheWrite5mPerMTok: 2.5 }] });
    fx.fake.openai.calls = [
      { at: NOW - 2 * HOUR, apiKeyId: 'key_live', model: 'house-model-1', uncached: 1_000_000, cacheRead: 1_000_000, cacheWrite5m: 1_000_000, output: 1_000_000, requests: 10 },
      { at: NOW - 2 * HOUR, apiKeyId: 'key_batch', model: 'house-model-1', uncached: 1_000_000, output: 1_000_000, batch: true, requests: 10 },
      { at: NOW - 2 * HOUR, apiKeyId: 'key_odd', model: 'mystery-model-9', uncached: 5000, output: 500 },
    ];
    await fx.polling.api['usage.connections.save']({ provider: 'openai', adminKey: fx.fake.openai.adminKey });
    await fx.advance(0);
    const cost = new Map(all(fx).map((r) => [r.providerKeyId, r.costUsd]));
    expect(cost.get('key_live')).toBeCloseTo(2 + 0.5 + 2.5 + 8, 10);
    expect(cost.get('key_batch')).toBeCloseTo((2 + 8) / 2, 10);
    expect(cost.get('key_odd')).toBe(0);
    const reported = await fx.polling.api['usage.reported']({});
    expect(reported.keys.find((k) => k.providerKeyId === 'key_odd')).toMatchObject({ costUsd: 0, unpricedTokens: 5500 });
    expect(reported.models.find((m) => m.model === 'mystery-model-9')).toMatchObject({ priced: false });
    expect(reported.models.find((m) => m.model === 'house-model-1')).toMatchObject({ priced: true, requests: 20 });
    expect(reported.totals.costUsd).toBeCloseTo(13 + 5, 10);
  });

  it('sets the provider\'s billed daily cost beside Tollgate\'s pricing of the same day', async () => {
    fx = await createUsageFixture({ overrides: [{ provider: 'anthropic', model: 'house-claude', inputPerMTok: 1, outputPerMTok: 1 }] });
    fx.fake.anthropic.calls = [
      { at: NOW - DAY, apiKeyId: 'apikey_1', model: 'house-claude', uncached: 1_000_000, output: 0, costUsd: 1.1 },
      { at: NOW - HOUR, apiKeyId: 'apikey_1', model: 'house-claude', uncached: 500_000, output: 0, costUsd: 0.5 },
    ];
    await fx.polling.api['usage.connections.save']({ provider: 'anthropic', adminKey: fx.fake.anthropic.adminKey });
    await fx.advance(0);
    const r = await fx.polling.api['usage.reported']({ from: '2026-01-14', to: '2026-01-15' });
    expect(r.billed.map((b) => [b.utcDay, +b.costUsd.toFixed(6), +b.itemisedUsd.toFixed(6)])).toEqual([
      ['2026-01-14', 1.1, 1],
      ['2026-01-15', 0.5, 0.5],
    ]);
  });
});
