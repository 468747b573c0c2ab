/**
 * The poller against fake admin APIs on loopback, with a manual clock and timers: intervals, Retry-After,
 * exponential backoff, rejection, malformed answers, empty windows, idempotent re-polls and "as of" times.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { UsageConnectionDto } from '../../../../src/main/contract/polling.js';
import { createUsageFixture, DAY, HOUR, MINUTE, NOW, type UsageFixture } from '../../../support/usage-fixture.js';

let fx: UsageFixture;
afterEach(() => fx?.close());

async function connect(f: UsageFixture, provider = 'openai', extra: Record<string, unknown> = {}): Promise<UsageConnectionDto> {
  const adminKey = provider === 'openai' ? f.fake.openai.adminKey : f.fake.anthropic.adminKey;
  return f.polling.api['usage.connections.save']({ provider, name: `${provider} org`, adminKey, ...extra });
}

const conn = async (f: UsageFixture, id: string) => (await f.polling.api['usage.connections.list']()).find((c) => c.id === id)!;
const usageHits = (f: UsageFixture) => f.fake.hits('/v1/organization/usage/completions').length;
const totalReported = (f: UsageFixture) => f.polling.reportedSpend.rows(0, Number.MAX_SAFE_INTEGER).reduce((a, r) => a + r.inputTokens + r.outputTokens, 0);

describe('usage polling schedule', () => {
  it('polls a new connection at once, then every interval (default 5 minutes)', async () => {
    fx = await createUsageFixture();
    fx.fake.openai.calls = [{ at: NOW - HOUR, apiKeyId: 'key_a', model: 'gpt-4o-mini', uncached: 100, output: 10 }];
    const c = await connect(fx);
    expect(c.intervalMinutes).toBe(5);
    expect(c.state).toBe('pending');
    expect(fx.timers.pending()).toEqual([NOW]);
    await fx.advance(0);
    expect((await conn(fx, c.id)).state).toBe('ok');
    expect(usageHits(fx)).toBe(5); // the first poll covers the whole window: 32 days, 5 pages
    expect(fx.timers.pending()).toEqual([NOW + 5 * MINUTE]);

    await fx.advance(5 * MINUTE - 1);
    expect(usageHits(fx)).toBe(5);
    await fx.advance(1);
    // Between full refreshes only the last 48 hours are fetched again: one page.
    expect(usageHits(fx)).toBe(6);
    const recent = fx.fake.hits('/v1/organization/usage/completions')[5]!;
    // 48 hours before 12:05, floored to the hour.
    expect(Number(recent.query.get('start_time')) * 1000).toBe(NOW - 48 * HOUR);
    expect(fx.events.filter((e) => e.name === 'usage.updated')).toHaveLength(2);
  });

  it('takes a configured interval, and refuses one shorter than a minute naming the field', async () => {
    fx = await createUsageFixture();
    await expect(connect(fx, 'openai', { intervalMinutes: 0.5 })).rejects.toMatchObject({ field: 'intervalMinutes' });
    await expect(connect(fx, 'openai', { intervalMinutes: 'often' })).rejects.toMatchObject({ field: 'intervalMinutes' });
    const c = await connect(fx, 'openai', { intervalMinutes: 1 });
    await fx.advance(0);
    expect(fx.timers.pending()).toEqual([NOW + MINUTE]);
    await fx.polling.api['usage.connections.save']({ id: c.id, provider: 'openai', intervalMinutes: 30 });
    await fx.advance(MINUTE);
    expect(usageHits(fx)).toBe(5);
    expect(fx.timers.pending()).toEqual([NOW + 30 * MINUTE]);
  });
});

describe('the window polled', () => {
  it('reaches back to the earliest current budget period, at most 93 days', async () => {
    let starts: number[] = [NOW - 60 * DAY];
    fx = await createUsageFixture({ periodStarts: () => starts });
    const c = await connect(fx, 'anthropic');
    await fx.advance(0);
    expect((await conn(fx, c.id)).coveredFrom).toBe(NOW - 60 * DAY);
    expect(fx.fake.hits('/v1/organizations/usage_report/messages')[0]!.query.get('starting_at')).toBe('2025-11-16T12:00:00Z');
    // A "total" budget starts at 0; the next full refresh goes back as far as allowed.
    starts = [0];
    await fx.advance(5 * MINUTE);
    // 93 days before 12:05, floored to the hour.
    expect((await conn(fx, c.id)).coveredFrom).toBe(NOW - 93 * DAY);
  });
});

describe('failures and backoff', () => {
  it('honours Retry-After on a 429, then recovers', async () => {
    fx = await createUsageFixture();
    const c = await connect(fx);
    fx.fake.failNext('/v1/organization/usage/completions', { status: 429, headers: { 'retry-after': '120' }, body: { error: { message: 'Rate limit reached' } } });
    await fx.advance(0);
    let now = await conn(fx, c.id);
    expect(now.state).toBe('retrying');
    expect(now.lastError).toBe('HTTP 429: Rate limit reached');
    expect(now.nextPollAt).toBe(NOW + 120_000);
    expect(now.status).toMatch(/Trying again at 2026-01-15 12:02 UTC/);
    const before = fx.fake.requests.length;
    // A manual poll does not jump the provider's Retry-After either.
    await fx.polling.api['usage.pollNow']({ id: c.id });
    await fx.advance(119_999);
    expect(fx.fake.requests.length).toBe(before);
    await fx.advance(1);
    now = await conn(fx, c.id);
    expect(now.state).toBe('ok');
    expect(now.asOf).toBe(NOW + 120_000);
    expect(now.consecutiveFailures).toBe(0);
  });

  it('waits at least a minute even when Retry-After asks for less, and backs off exponentially without one', async () => {
    fx = await createUsageFixture();
    const c = await connect(fx);
    fx.fake.failNext('/v1/organization/usage/completions', { status: 429, headers: { 'retry-after': '2' } });
    await fx.advance(0);
    expect((await conn(fx, c.id)).nextPollAt).toBe(NOW + MINUTE);
    fx.fake.failNext('/v1/organization/usage/completions', { status: 429 }, 1);
    await fx.advance(MINUTE);
    // Second failure in a row, no Retry-After: 2 minutes.
    expect((await conn(fx, c.id)).nextPollAt).toBe(NOW + MINUTE + 2 * MINUTE);
  });

  it('retries a 500 with exponential backoff (1, 2, 4 minutes), tells the tray once, then succeeds', async () => {
    fx = await createUsageFixture();
    fx.fake.openai.calls = [{ at: NOW - HOUR, apiKeyId: 'key_a', model: 'gpt-4o-mini', uncached: 100, output: 10 }];
    const c = await connect(fx);
    fx.fake.failNext('/v1/organization/usage/completions', { status: 500, body: { error: { message: 'The server had an error' } } }, 3);
    const delays: number[] = [];
    let t = NOW;
    for (let i = 0; i < 3; i++) {
      await fx.advance(fx.timers.pending()[0]! - fx.clock.now());
      const s = await conn(fx, c.id);
      expect(s.state).toBe('retrying');
      expect(s.consecutiveFailures).toBe(i + 1);
      delays.push(s.nextPollAt! - t);
      t = s.nextPollAt!;
    }
    expect(delays).toEqual([MINUTE, 2 * MINUTE, 4 * MINUTE]);
    const failed = fx.events.filter((e) => e.name === 'usage.connectionFailed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.payload).toMatchObject({ rejected: false });
    expect((failed[0]!.payload as { message: string }).message).toMatch(/failed 3 times in a row \(HTTP 500: The server had an error\)/);
    await fx.advance(4 * MINUTE);
    const s = await conn(fx, c.id);
    expect(s.state).toBe('ok');
    expect(s.consecutiveFailures).toBe(0);
    expect(totalReported(fx)).toBe(110);
  });

  it('stops polling on 401 with "admin key rejected" until the key is replaced', async () => {
    fx = await createUsageFixture();
    const c = await connect(fx);
    const goodKey = fx.fake.openai.adminKey;
    fx.fake.openai.adminKey = 'sk-admin-rotated-elsewhere-000000000';
    await fx.advance(0);
    let s = await conn(fx, c.id);
    expect(s.state).toBe('rejected');
    expect(s.status).toMatch(/^admin key rejected: OpenAI answered HTTP 401: Incorrect API key provided/);
    expect(s.nextPollAt).toBeNull();
    const failed = fx.events.filter((e) => e.name === 'usage.connectionFailed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.payload).toMatchObject({ rejected: true });

    const before = fx.fake.requests.length;
    await fx.advance(6 * HOUR);
    expect(fx.fake.requests.length).toBe(before);
    expect(fx.timers.pending()).toEqual([]);

    // The user pastes the right key: polling resumes at once.
    fx.fake.openai.adminKey = goodKey.replace('0000', '1111');
    await fx.polling.api['usage.connections.save']({ id: c.id, provider: 'openai', adminKey: fx.fake.openai.adminKey });
    s = await conn(fx, c.id);
    expect(s.state).toBe('pending');
    await fx.advance(0);
    s = await conn(fx, c.id);
    expect(s.state).toBe('ok');
    expect(s.lastError).toBeNull();
  });

  it('treats malformed JSON as a failed poll and keeps the figures it had', async () => {
    fx = await createUsageFixture();
    fx.fake.openai.calls = [{ at: NOW - HOUR, apiKeyId: 'key_a', model: 'gpt-4o-mini', uncached: 100, output: 10 }];
    const c = await connect(fx);
    await fx.advance(0);
    expect(totalReported(fx)).toBe(110);
    fx.fake.failNext('/v1/organization/usage/embeddings', { status: 200, raw: '{"object": "page", "data": [{"object": "bu' });
    await fx.advance(5 * MINUTE);
    const s = await conn(fx, c.id);
    expect(s.state).toBe('retrying');
    expect(s.lastError).toMatch(/^the answer is not JSON/);
    expect(s.asOf).toBe(NOW);
    expect(totalReported(fx)).toBe(110);
  });

  it('keeps the stored window intact when a later page fails midway', async () => {
    fx = await createUsageFixture();
    fx.fake.openai.calls = [
      { at: NOW - 20 * DAY, apiKeyId: 'key_a', model: 'gpt-4o-mini', uncached: 100, output: 10 },
      { at: NOW - HOUR, apiKeyId: 'key_a', model: 'gpt-4o-mini', uncached: 5, output: 5 },
    ];
    const c = await connect(fx);
    await fx.advance(0);
    expect(totalReported(fx)).toBe(120);
    // The next full refresh fails on its third page: nothing of the half-fetched window may replace what is stored.
    await fx.polling.api['usage.connections.save']({ id: c.id, provider: 'openai', baseUrl: fx.fake.url + '/' });
    fx.fake.failNext(/^\/v1\/organization\/usage\/completions$/, { status: 200, body: { object: 'page', data: [], has_more: true, next_page: 'page_x' } });
    fx.fake.failNext(/^\/v1\/organization\/usage\/completions$/, { status: 200, body: { object: 'page', data: [], has_more: true, next_page: 'page_y' } });
    fx.fake.failNext(/^\/v1\/organization\/usage\/completions$/, { status: 503, body: { error: { message: 'Service Unavailable' } } });
    // A new base URL starts over: the poll runs at once.
    await fx.advance(0);
    expect((await conn(fx, c.id)).lastError).toBe('HTTP 503: Service Unavailable');
    expect(totalReported(fx)).toBe(120);
  });

  it('counts an empty window as a successful poll, with its "as of"', async () => {
    fx = await createUsageFixture();
    const c = await connect(fx, 'anthropic');
    await fx.advance(0);
    const s = await conn(fx, c.id);
    expect(s.state).toBe('ok');
    expect(s.asOf).toBe(NOW);
    expect(s.coveredFrom).toBe(NOW - 32 * DAY);
    expect(fx.polling.reportedSpend.rows(0, Number.MAX_SAFE_INTEGER)).toEqual([]);
    const reported = await fx.polling.api['usage.reported']({});
    expect(reported.keys).toEqual([]);
    expect(reported.totals).toEqual({ costUsd: 0, inputTokens: 0, outputTokens: 0, asOf: null });
    expect(fx.events.find((e) => e.name === 'usage.updated')?.payload).toEqual({ connectionId: c.id, provider: 'anthropic', asOf: NOW, rows: 0 });
  });

  it('stops a connection whose stored key cannot be decrypted, and says so', async () => {
    fx = await createUsageFixture();
    const c = await connect(fx);
    await fx.advance(0);
    const snap = structuredClone(fx.polling.snapshot());
    snap.connections[0]!.sealedKey = 'v1:AAAA:BBBB:CCCC';
    await fx.close();
    fx = await createUsageFixture({ initial: snap });
    await fx.advance(5 * MINUTE);
    const s = await conn(fx, c.id);
    expect(s.state).toBe('rejected');
    expect(s.status).toMatch(/^admin key rejected: the stored key cannot be decrypted on this machine \(.+\); paste it again\./);
  });

  it('answers a network failure in words and retries', async () => {
    fx = await createUsageFixture();
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const c = await connect(fx, 'openai', { baseUrl: `http://127.0.0.1:${port}` });
    await fx.advance(0);
    const s = await conn(fx, c.id);
    expect(s.state).toBe('retrying');
    expect(s.lastError).toBe(`could not reach http://127.0.0.1:${port}: ECONNREFUSED`);
    expect(s.nextPollAt).toBe(NOW + MINUTE);
  });
});

describe('idempotent storage', () => {
  it('never counts a bucket twice however often the same window is polled, and follows revisions', async () => {
    fx = await createUsageFixture();
    fx.fake.anthropic.calls = [
      { at: NOW - 3 * DAY, apiKeyId: 'apikey_01A', model: 'claude-sonnet-4-5', uncached: 1000, output: 100 },
      { at: NOW - 2 * HOUR, apiKeyId: 'apikey_01A', model: 'claude-sonnet-4-5', uncached: 500, output: 50 },
    ];
    const c = await connect(fx, 'anthropic');
    await fx.advance(0);
    expect(totalReported(fx)).toBe(1650);
    for (let i = 0; i < 3; i++) {
      await fx.advance(MINUTE);
      await fx.polling.api['usage.pollNow']({ id: c.id });
    }
    expect(totalReported(fx)).toBe(1650);
    // Late usage lands in an hour already polled: the bucket is replaced, not added to.
    fx.fake.anthropic.calls.push({ at: NOW - 2 * HOUR + 10 * MINUTE, apiKeyId: 'apikey_01A', model: 'claude-sonnet-4-5', uncached: 5, output: 5 });
    await fx.polling.api['usage.pollNow']({ id: c.id });
    expect(totalReported(fx)).toBe(1660);
    const rows = fx.polling.reportedSpend.rows(NOW - 2 * HOUR, NOW - HOUR);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ inputTokens: 505, outputTokens: 55 });
  });

  it('survives a restart: the same buckets, connection state and "as of" come back from the snapshot', async () => {
    fx = await createUsageFixture();
    fx.fake.openai.calls = [{ at: NOW - HOUR, apiKeyId: 'key_a', model: 'gpt-4o-mini', uncached: 100, output: 10 }];
    const c = await connect(fx);
    await fx.advance(0);
    const snap = structuredClone(fx.polling.snapshot());
    await fx.close();
    fx = await createUsageFixture({ initial: snap });
    expect(totalReported(fx)).toBe(110);
    const s = await conn(fx, c.id);
    expect(s).toMatchObject({ state: 'ok', asOf: NOW });
    // It resumes on its schedule, not at once.
    expect(fx.timers.pending()).toEqual([NOW + 5 * MINUTE]);
  });
});

describe('"as of" times', () => {
  it('stamps every bucket with the poll that fetched it; sums carry the oldest', async () => {
    fx = await createUsageFixture();
    fx.fake.anthropic.calls = [
      { at: NOW - 10 * DAY, apiKeyId: 'apikey_01A', model: 'claude-sonnet-4-5', uncached: 1000, output: 100 },
      { at: NOW - HOUR, apiKeyId: 'apikey_01A', model: 'claude-sonnet-4-5', uncached: 500, output: 50 },
    ];
    await connect(fx, 'anthropic');
    await fx.advance(0);
    await fx.advance(5 * MINUTE);
    // The second poll re-fetched only the last 48 hours.
    const rows = fx.polling.reportedSpend.rows(0, Number.MAX_SAFE_INTEGER).sort((a, b) => a.start - b.start);
    expect(rows.map((r) => r.asOf)).toEqual([NOW, NOW + 5 * MINUTE]);
    const reported = await fx.polling.api['usage.reported']({ from: '2026-01-01', to: '2026-01-15' });
    expect(reported.keys[0]!.asOf).toBe(NOW);
    expect(reported.models[0]!.asOf).toBe(NOW);
    expect(reported.totals.asOf).toBe(NOW);
    const today = await fx.polling.api['usage.reported']({ from: '2026-01-15', to: '2026-01-15' });
    expect(today.keys[0]!.asOf).toBe(NOW + 5 * MINUTE);
    expect(today.billed.every((b) => b.asOf === NOW + 5 * MINUTE)).toBe(true);
  });
});
