import { gzipSync } from 'node:zlib';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { startTollgate, type Tollgate } from '../../../support/harness.js';
import { claudeEvents, claudeMetrics, readableApiRequests } from './otel-clients.js';

let tg: Tollgate;
let key: string;
let metricsUrl: string;
let logsUrl: string;

beforeAll(async () => {
  tg = await startTollgate();
  const created = await tg.admin<{ secret: string }>('keys.create', { name: 'team telemetry', provider: 'anthropic', providerKey: 'sk-ant-otel-0000000001', owner: 'ana' });
  key = created.body.data!.secret;
  metricsUrl = `${tg.url}/otlp/v1/metrics`;
  logsUrl = `${tg.url}/otlp/v1/logs`;
});
afterAll(async () => {
  await tg.stop();
});

const telemetry = async (): Promise<RequestRecord[]> => (await tg.core.api['requests.recent']({ limit: 10_000 })).filter((r) => r.source === 'telemetry').reverse();

function sums(list: RequestRecord[]) {
  let usd = 0;
  let input = 0;
  let output = 0;
  let read = 0;
  let write = 0;
  for (const r of list) {
    usd += r.costUsd ?? 0;
    input += r.usage.inputTokens;
    output += r.usage.outputTokens;
    read += r.usage.cacheReadTokens;
    write += r.usage.cacheWrite5mTokens;
  }
  return { usd, input, output, read, write, n: list.length };
}

const ofUser = async (user: string) => sums((await telemetry()).filter((r) => r.user === user));

const post = (url: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers }, body });

/** Codex's usage event in its documented JSON shape, mixed attribute types included. */
function codexEvent(o: { conversation: string; ts: string; input: number; cached: number; output: number; reasoning: number; email?: string }) {
  const kv = (key: string, value: Record<string, unknown>) => ({ key, value });
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [kv('service.name', { stringValue: 'codex_exec' }), kv('service.version', { stringValue: '0.171.0' }), kv('telemetry.sdk.language', { stringValue: 'rust' })] },
        scopeLogs: [
          {
            scope: { name: 'codex_otel.log_only' },
            logRecords: [
              {
                timeUnixNano: String(BigInt(Date.parse(o.ts)) * 1_000_000n),
                attributes: [
                  kv('event.name', { stringValue: 'codex.sse_event' }),
                  kv('event.kind', { stringValue: 'response.completed' }),
                  kv('event.timestamp', { stringValue: o.ts }),
                  kv('conversation.id', { stringValue: o.conversation }),
                  kv('model', { stringValue: 'gpt-5' }),
                  kv('auth_mode', { stringValue: 'api_key' }),
                  kv('input_token_count', { stringValue: String(o.input) }),
                  kv('cached_token_count', { intValue: String(o.cached) }),
                  kv('output_token_count', { intValue: o.output }),
                  kv('reasoning_token_count', { stringValue: String(o.reasoning) }),
                  kv('tool_token_count', { intValue: '0' }),
                  ...(o.email ? [kv('user.email', { stringValue: o.email })] : []),
                ],
              },
            ],
          },
        ],
      },
    ],
  });
}

describe('OTLP intake with the official exporters', () => {
  it('turns Claude Code api_request events (http/json) into spend per user and model, and a re-sent event counts once', async () => {
    const events = claudeEvents({ url: logsUrl, key });
    try {
      const alice = { 'user.email': 'alice@example.com', 'user.account_uuid': 'acc-alice', 'user.id': 'u-alice' };
      events.apiRequest({ model: 'claude-opus-4-8[1m]', input: 900, output: 60, cacheRead: 500, cacheCreation: 100, costUsd: 0.006875, requestId: 'req_alice_1', session: 's-alice', user: alice });
      events.apiRequest({ model: 'claude-opus-4-8', input: 100, output: 20, costUsd: 0.001, requestId: 'req_alice_2', session: 's-alice', user: alice });
      events.apiRequest({ model: 'claude-haiku-4-5', input: 2000, output: 100, costUsd: 0.0025, requestId: 'req_bob_1', session: 's-bob', user: { 'user.account_uuid': 'acc-bob' } });
      await events.flush();
      // The exporter retried, or Claude Code re-sent: the same request id again.
      events.apiRequest({ model: 'claude-opus-4-8', input: 100, output: 20, costUsd: 0.001, requestId: 'req_alice_2', session: 's-alice', user: alice });
      await events.flush();
    } finally {
      await events.close();
    }
    const a = await ofUser('alice@example.com');
    expect(a.n).toBe(2);
    expect(a.usd).toBeCloseTo(0.007875, 12);
    expect([a.input, a.output, a.read, a.write]).toEqual([900 + 500 + 100 + 100, 80, 500, 100]);
    const aliceRecords = (await telemetry()).filter((r) => r.user === 'alice@example.com');
    expect(aliceRecords.map((r) => [r.model, r.tool, r.session, r.upstreamId, r.keyId, r.provider])).toEqual([
      ['claude-opus-4-8', 'claude-code', 's-alice', 'req_alice_1', 'telemetry:claude-code', 'anthropic'],
      ['claude-opus-4-8', 'claude-code', 's-alice', 'req_alice_2', 'telemetry:claude-code', 'anthropic'],
    ]);
    const b = await ofUser('acc-bob');
    expect([b.n, b.input, b.output]).toEqual([1, 2000, 100]);
    expect(b.usd).toBeCloseTo(0.0025, 12);
  });

  it('counts a cumulative sum (http/json) by its growth: a re-export of the same total adds nothing', async () => {
    const m = claudeMetrics({ url: metricsUrl, key, protocol: 'json', temporality: 'cumulative' });
    const attrs = { 'user.email': 'carol@example.com', 'session.id': 's-carol', model: 'claude-sonnet-4-5' };
    try {
      // claude-sonnet-4-5: $3 in, $15 out, $0.30 cache read per MTok.
      m.cost(0.006, attrs);
      m.tokens(1000, 'input', attrs);
      m.tokens(200, 'output', attrs);
      await m.flush();
      expect((await ofUser('carol@example.com')).usd).toBeCloseTo(0.006, 12);
      await m.flush();
      await m.flush();
      const same = await ofUser('carol@example.com');
      expect([same.n, same.input, same.output]).toEqual([1, 1000, 200]);
      expect(same.usd).toBeCloseTo(0.006, 12);
      m.cost(0.00009, attrs);
      m.tokens(300, 'cacheRead', attrs);
      await m.flush();
    } finally {
      await m.close();
    }
    const c = await ofUser('carol@example.com');
    expect(c.usd).toBeCloseTo(0.00609, 12);
    expect([c.input, c.output, c.read]).toEqual([1300, 200, 300]);
  });

  it('adds delta points (http/protobuf, gzip), and each export once', async () => {
    const m = claudeMetrics({ url: metricsUrl, key, protocol: 'protobuf', temporality: 'delta', gzip: true });
    const attrs = { 'user.id': 'u-dave', 'session.id': 's-dave', model: 'claude-opus-4-8' };
    try {
      // claude-opus-4-8: $5 in, $25 out per MTok.
      m.cost(0.002, attrs);
      m.tokens(400, 'input', attrs);
      await m.flush();
      m.cost(0.00125, attrs);
      m.tokens(50, 'output', attrs);
      await m.flush();
      await m.flush();
    } finally {
      await m.close();
    }
    const d = await ofUser('u-dave');
    expect(d.usd).toBeCloseTo(0.00325, 12);
    expect([d.input, d.output]).toEqual([400, 50]);
  });

  it('counts a call once when both its event and its metrics arrive, and the metrics for what no event reported', async () => {
    const events = claudeEvents({ url: logsUrl, key });
    const m = claudeMetrics({ url: metricsUrl, key, protocol: 'json', temporality: 'delta' });
    const who = { 'user.email': 'erin@example.com' };
    const attrs = { ...who, 'session.id': 's-erin', model: 'claude-opus-4-8' };
    try {
      events.apiRequest({ model: 'claude-opus-4-8', input: 100, output: 10, costUsd: 0.00075, requestId: 'req_erin_1', session: 's-erin', user: who });
      await events.flush();
      m.cost(0.00075, attrs);
      m.tokens(100, 'input', attrs);
      m.tokens(10, 'output', attrs);
      await m.flush();
      const once = await ofUser('erin@example.com');
      expect(once.usd).toBeCloseTo(0.00075, 12);
      expect([once.n, once.input, once.output]).toEqual([1, 100, 10]);
      // A call whose event never came (logs exporter off for a while): only the metrics know it.
      m.cost(0.0002, attrs);
      m.tokens(40, 'input', attrs);
      await m.flush();
    } finally {
      await events.close();
      await m.close();
    }
    const e = await ofUser('erin@example.com');
    expect(e.usd).toBeCloseTo(0.00095, 12);
    expect([e.n, e.input, e.output]).toEqual([2, 140, 10]);
  });

  it("prices Claude Code's calls as a proxied call: a figure from a stale price table is brought to the price list, and kept in the note", async () => {
    const events = claudeEvents({ url: logsUrl, key });
    const m = claudeMetrics({ url: metricsUrl, key, protocol: 'json', temporality: 'delta' });
    const who = { 'user.email': 'ivy@example.com' };
    const attrs = { ...who, 'session.id': 's-ivy', model: 'claude-sonnet-5' };
    // Claude Code 2.1.197 counts claude-sonnet-5 at $3/$15 per MTok: 10,000 in and 1,000 out is $0.045 to it.
    try {
      events.apiRequest({ model: 'claude-sonnet-5', input: 10_000, output: 1000, costUsd: 0.045, requestId: 'req_ivy_1', session: 's-ivy', user: who });
      await events.flush();
      // Its metrics say the same about the same call: still one call, at one price.
      m.cost(0.045, attrs);
      m.tokens(10_000, 'input', attrs);
      m.tokens(1000, 'output', attrs);
      await m.flush();
    } finally {
      await events.close();
      await m.close();
    }
    const recs = (await telemetry()).filter((r) => r.user === 'ivy@example.com');
    expect(recs).toHaveLength(1);
    // Anthropic's list: $2 in, $10 out per MTok.
    expect(recs[0]!.costUsd).toBeCloseTo(10_000 * 2e-6 + 1000 * 10e-6, 12);
    expect(recs[0]!.note).toBe('Claude Code reported $0.045');
    expect(recs[0]!.priceSource).not.toContain('exported');
  });

  it("keeps Claude Code's figure where the tokens leave the price open (cache writes of unknown lifetime), and only there", async () => {
    const events = claudeEvents({ url: logsUrl, key });
    const who = { 'user.email': 'jon@example.com' };
    // claude-opus-4-8, 100 in, 1,000 written to the cache, 10 out: $0.007 if the writes live 5 minutes ($6.25 per
    // MTok), $0.01075 if they live an hour ($10).
    const call = { model: 'claude-opus-4-8', input: 100, cacheCreation: 1000, output: 10, session: 's-jon', user: who };
    try {
      events.apiRequest({ ...call, costUsd: 0.01075, requestId: 'req_jon_1h' });
      events.apiRequest({ ...call, costUsd: 0.0085, requestId: 'req_jon_mixed' });
      events.apiRequest({ ...call, costUsd: 0.02, requestId: 'req_jon_over' });
      events.apiRequest({ ...call, costUsd: 0.001, requestId: 'req_jon_under' });
      await events.flush();
    } finally {
      await events.close();
    }
    const recs = (await telemetry()).filter((r) => r.user === 'jon@example.com');
    expect(recs.map((r) => [r.upstreamId, Number(r.costUsd!.toFixed(9)), r.note ?? null])).toEqual([
      ['req_jon_1h', 0.01075, null],
      ['req_jon_mixed', 0.0085, null],
      ['req_jon_over', 0.01075, 'Claude Code reported $0.02'],
      ['req_jon_under', 0.007, 'Claude Code reported $0.001'],
    ]);
  });

  it('writes nothing for a cost point that comes before its token points; the tokens bring the call, priced', async () => {
    const m = claudeMetrics({ url: metricsUrl, key, protocol: 'json', temporality: 'delta' });
    const attrs = { 'user.email': 'lea@example.com', 'session.id': 's-lea', model: 'claude-opus-4-8' };
    try {
      m.cost(0.002, attrs);
      await m.flush();
      expect((await ofUser('lea@example.com')).n).toBe(0);
      m.tokens(400, 'input', attrs);
      await m.flush();
    } finally {
      await m.close();
    }
    const l = await ofUser('lea@example.com');
    expect([l.n, l.input]).toEqual([1, 400]);
    expect(l.usd).toBeCloseTo(400 * 5e-6, 12);
    // The batch that brought the tokens carried no cost: there is no figure of Claude Code's to keep.
    expect((await telemetry()).find((r) => r.user === 'lea@example.com')!.note).toBeUndefined();
  });

  it("takes the tool's figure for a model the price list does not know, and a user's price override over both", async () => {
    const events = claudeEvents({ url: logsUrl, key });
    const who = { 'user.email': 'kim@example.com' };
    try {
      events.apiRequest({ model: 'claude-unlisted-test-1', input: 1000, output: 100, costUsd: 0.0042, requestId: 'req_kim_1', session: 's-kim', user: who });
      await events.flush();
      expect((await tg.admin('settings.update', { priceOverrides: [{ provider: 'anthropic', model: 'claude-opus-4-8', inputPerMTok: 1, outputPerMTok: 2 }] })).status).toBe(200);
      events.apiRequest({ model: 'claude-opus-4-8', input: 1000, output: 100, costUsd: 0.0075, requestId: 'req_kim_2', session: 's-kim', user: who });
      await events.flush();
    } finally {
      await events.close();
      await tg.admin('settings.update', { priceOverrides: [] });
    }
    const recs = (await telemetry()).filter((r) => r.user === 'kim@example.com');
    expect(recs.map((r) => [r.model, Number(r.costUsd!.toFixed(9)), r.priceSource, r.flags.includes('unpriced')])).toEqual([
      ['claude-unlisted-test-1', 0.0042, 'claude-code (exported)', false],
      // The override's $1 in and $2 out per MTok: 1000 × 1 + 100 × 2.
      ['claude-opus-4-8', 0.0012, 'override', false],
    ]);
  });

  it('reads events sent as http/protobuf by the official serializer, gzip-compressed', async () => {
    const recs = await readableApiRequests([
      { model: 'claude-sonnet-4-5', input: 300, output: 30, costUsd: 0.00135, requestId: 'req_frank_1', session: 's-frank', user: { 'user.email': 'frank@example.com' } },
    ]);
    const body = ProtobufLogsSerializer.serializeRequest(recs)!;
    const res = await post(logsUrl, gzipSync(body), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    // An ExportLogsServiceResponse with nothing rejected is the empty message.
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    const f = await ofUser('frank@example.com');
    expect([f.n, f.input, f.output]).toEqual([1, 300, 30]);
    expect(f.usd).toBeCloseTo(0.00135, 12);
  });

  it('prices Codex usage events with Tollgate pricer, reads mixed attribute types, and counts a retried batch once', async () => {
    const body = codexEvent({ conversation: 'thread-9', ts: new Date().toISOString(), input: 1200, cached: 300, output: 80, reasoning: 20, email: 'gus@example.com' });
    const first = await post(logsUrl, body);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({});
    expect((await post(logsUrl, body)).status).toBe(200);
    const g = (await telemetry()).filter((r) => r.user === 'gus@example.com');
    expect(g.map((r) => [r.tool, r.provider, r.model, r.session, r.usage.inputTokens, r.usage.cacheReadTokens, r.usage.outputTokens, r.usage.reasoningTokens])).toEqual([
      ['codex', 'openai', 'gpt-5', 'thread-9', 1200, 300, 80, 20],
    ]);
    // gpt-5: 900 uncached at $1.25, 300 cached at $0.125, 80 out at $10 per MTok.
    expect(g[0]!.costUsd).toBeCloseTo(0.0019625, 12);
  });

  it("stands in the key's owner for a user the export does not name", async () => {
    const body = codexEvent({ conversation: 'thread-10', ts: new Date().toISOString(), input: 10, cached: 0, output: 1, reasoning: 0 });
    expect((await post(logsUrl, body)).status).toBe(200);
    const r = (await telemetry()).find((x) => x.session === 'thread-10');
    expect(r?.user).toBe('ana');
  });

  it('spend.query tells telemetry apart from the other sources', async () => {
    const q = await tg.admin<{ rows: { source: string; requests: number; costUsd: number }[] }>('spend.query', { groupBy: ['source'] });
    expect(q.status).toBe(200);
    const all = sums(await telemetry());
    const row = q.body.data!.rows.find((r) => r.source === 'telemetry');
    expect(row?.requests).toBe(all.n);
    expect(row?.costUsd).toBeCloseTo(all.usd, 12);
    expect(q.body.data!.rows.every((r) => r.source === 'telemetry')).toBe(true);
    const filtered = await tg.admin<{ totals: { requests: number } }>('spend.query', { source: 'proxy' });
    expect(filtered.body.data!.totals.requests).toBe(0);
  });
});

describe('OTLP intake refusals', () => {
  it('refuses a missing or unknown key with 401 in the OTLP shape, and records nothing', async () => {
    const before = (await telemetry()).length;
    const body = codexEvent({ conversation: 'thread-x', ts: new Date().toISOString(), input: 10, cached: 0, output: 1, reasoning: 0, email: 'mallory@example.com' });
    const none = await fetch(logsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 16, message: expect.stringContaining('no Tollgate key') });
    const wrong = await post(logsUrl, body, { authorization: 'Bearer tg_not_a_key_of_this_tollgate' });
    expect(wrong.status).toBe(401);
    const provider = await post(logsUrl, body, { authorization: 'Bearer sk-ant-api03-someone' });
    expect(provider.status).toBe(401);

    const m = claudeMetrics({ url: metricsUrl, key: 'tg_wrong', protocol: 'protobuf', temporality: 'delta' });
    try {
      m.cost(9, { 'user.email': 'mallory@example.com', 'session.id': 's-m', model: 'claude-opus-4-8' });
      await m.flush();
      expect(m.results.map((r) => [r.code, (r.error as { code?: number } | undefined)?.code])).toEqual([[1, 401]]);
    } finally {
      await m.close();
    }
    expect((await telemetry()).length).toBe(before);
  });

  it('answers a revoked key with 401', async () => {
    const created = await tg.admin<{ key: { id: string }; secret: string }>('keys.create', { name: 'gone', provider: 'openai', providerKey: 'sk-otel-revoked-0001' });
    await tg.admin('keys.revoke', { id: created.body.data!.key.id });
    const res = await post(logsUrl, '{}', { authorization: `Bearer ${created.body.data!.secret}` });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toContain('revoked');
  });

  it('answers malformed bodies with 400 and keeps serving', async () => {
    const garbage = Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]);
    const pb = await post(metricsUrl, garbage, { 'content-type': 'application/x-protobuf' });
    expect(pb.status).toBe(400);
    expect(pb.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await pb.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const js = await post(logsUrl, '{"resourceLogs": [');
    expect(js.status).toBe(400);
    expect(await js.json()).toMatchObject({ code: 3, message: expect.stringContaining('not JSON') });
    const wrongShape = await post(metricsUrl, '{"resourceMetrics": {"not": "a list"}}');
    expect(wrongShape.status).toBe(400);
    const badGzip = await post(logsUrl, 'not gzip', { 'content-encoding': 'gzip' });
    expect(badGzip.status).toBe(400);
    expect((await post(logsUrl, 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await fetch(`${tg.url}/otlp/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: '{}' })).status).toBe(404);
    expect((await fetch(metricsUrl, { headers: { authorization: `Bearer ${key}` } })).status).toBe(405);
    // Still serving: an empty request is a valid one.
    const ok = await post(metricsUrl, '{"resourceMetrics": []}');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({});
  });

  it('refuses a body over the size cap with 413, and a gzip body that inflates past its cap', async () => {
    const big = await post(logsUrl, Buffer.alloc(4 * 1024 * 1024 + 1, 0x20));
    expect(big.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(17 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(4 * 1024 * 1024);
    const inflated = await post(logsUrl, bomb, { 'content-encoding': 'gzip' });
    expect(inflated.status).toBe(413);
  });

  it('reports rejected points in partial_success', async () => {
    const body = JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
          scopeMetrics: [{ scope: { name: 'com.anthropic.claude_code' }, metrics: [{ name: 'claude_code.cost.usage', unit: 'USD', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ timeUnixNano: '1', attributes: [] }] } }] }],
        },
      ],
    });
    const res = await post(metricsUrl, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ partialSuccess: { rejectedDataPoints: 1 } });
  });

  it('counts a delta batch the exporter retried once', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const point = (v: number, type?: string) => ({
      startTimeUnixNano: String(now - 60_000_000_000n),
      timeUnixNano: String(now),
      asDouble: v,
      attributes: [
        { key: 'user.email', value: { stringValue: 'hana@example.com' } },
        { key: 'session.id', value: { stringValue: 's-hana' } },
        { key: 'model', value: { stringValue: 'claude-opus-4-8' } },
        ...(type ? [{ key: 'type', value: { stringValue: type } }] : []),
      ],
    });
    const body = JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
          scopeMetrics: [
            {
              scope: { name: 'com.anthropic.claude_code' },
              metrics: [
                { name: 'claude_code.cost.usage', unit: 'USD', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [point(0.00525)] } },
                { name: 'claude_code.token.usage', unit: 'tokens', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [point(700, 'input'), point(70, 'output')] } },
                { name: 'claude_code.session.count', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [point(1)] } },
              ],
            },
          ],
        },
      ],
    });
    for (let i = 0; i < 3; i++) expect((await post(metricsUrl, body)).status).toBe(200);
    const h = await ofUser('hana@example.com');
    expect(h.usd).toBeCloseTo(0.00525, 12);
    expect([h.n, h.input, h.output]).toEqual([1, 700, 70]);
  });

  it('never meters OTLP requests as provider calls', async () => {
    const all = await tg.core.api['requests.recent']({ limit: 10_000 });
    expect(all.every((r) => r.source === 'telemetry')).toBe(true);
  });
});
