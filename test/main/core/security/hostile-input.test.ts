/**
 * Hostile and malformed input, family by family, through a real Tollgate to a fake upstream on loopback. After
 * each family the server still answers a normal call and the ledger is exact: every rollup total equals the
 * sum of the records, and every number is finite. Each family adds a row to the hardening table.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Budget } from '../../../../src/main/contract/budgets.js';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, type Tollgate } from '../../../support/harness.js';
import { records } from '../../../support/wait.js';
import { recordFigures } from '../../../hardening/support/figures.js';
import { rawBytesRequest, rawRequest, startSseVariantUpstream, SSE_VARIANTS, VARIANT_TEXT, VARIANT_USAGE } from './support/hostile.js';

const figures = recordFigures('security-hostile-input');

let fake: FakeUpstream;
let tg: Tollgate;

beforeAll(async () => {
  fake = await startFakeUpstream();
  tg = await startTollgate({ upstream: fake.url });
});
afterAll(async () => {
  await tg.stop();
  await fake.close();
  figures.save();
});

const OPENAI_KEY = 'sk-proj-hostile000000000001234';
const CALLS = {
  openai: { body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, headers: { authorization: `Bearer ${OPENAI_KEY}` }, op: 'chat.completions' },
  anthropic: { body: { model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }, headers: { 'x-api-key': 'sk-ant-hostile' }, op: 'messages' },
  gemini: { body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, headers: { 'x-goog-api-key': 'AIza-hostile' }, op: 'generateContent' },
} as const;

function post(target: Tollgate, p: string, body: unknown, headers: Record<string, string>) {
  return rawRequest(target.url, p, typeof body === 'string' ? body : JSON.stringify(body), headers);
}

async function lastRecord(target: Tollgate, before: number): Promise<RequestRecord> {
  return (await records(target.core, before + 1)).at(-1)!;
}

const recent = (target: Tollgate) => target.core.api['requests.recent']({ limit: 10_000 });
const count = async (target: Tollgate) => (await recent(target)).length;
/** The rollups, one row per day × provider × key × model × project, through the admin API. */
const rollups = async (target: Tollgate) => (await target.core.api['spend.query']({ groupBy: ['day', 'provider', 'keyId', 'model', 'project'] })).rows;

const USAGE_KEYS = ['inputTokens', 'cacheReadTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'outputTokens', 'reasoningTokens'] as const;

/**
 * The checks after every family: a normal call still answers and is recorded with the upstream's usage, and
 * the rollups hold exactly what the records hold (the ring holds every record of this file: 500 > calls made).
 */
async function aliveAndExact(target: Tollgate): Promise<void> {
  const before = await count(target);
  const r = await post(target, '/openai/v1/chat/completions', CALLS.openai.body, CALLS.openai.headers);
  expect(r.status).toBe(200);
  const rec = await lastRecord(target, before);
  expect(rec.usage).toMatchObject({ inputTokens: 1200, outputTokens: 80 });
  const all = await recent(target);
  const rows = await rollups(target);
  expect(rows.reduce((n, row) => n + row.requests, 0)).toBe(all.length);
  for (const k of USAGE_KEYS) {
    const fromRecords = all.reduce((n, x) => n + x.usage[k], 0);
    const fromRollups = rows.reduce((n, row) => n + row[k], 0);
    expect(Number.isFinite(fromRollups), k).toBe(true);
    expect(fromRollups, k).toBe(fromRecords);
  }
  const cost = all.reduce((n, x) => n + (x.costUsd ?? 0), 0);
  expect(rows.reduce((n, row) => n + row.costUsd, 0)).toBeCloseTo(cost, 9);
  const totals = (await target.admin<{ totals: Record<string, number | null> }>('spend.query', { groupBy: [] })).body.data!.totals;
  for (const [k, v] of Object.entries(totals)) expect(Number.isFinite(v), `spend.query ${k}`).toBe(true);
}

describe('path spellings: every one is metered and budget-checked like the canonical path', () => {
  const SPELLINGS: [keyof typeof CALLS, string, string][] = [
    ['openai', '/openai/v1//chat/completions', '/v1/chat/completions'],
    ['openai', '/openai//v1/chat/completions', '/v1/chat/completions'],
    ['openai', '/openai/./v1/chat/completions', '/v1/chat/completions'],
    ['openai', '/openai/v1/chat/../chat/completions', '/v1/chat/completions'],
    ['openai', '/openai/v1/%63hat/completions', '/v1/chat/completions'],
    ['openai', '/openai/V1/chat/completions', '/V1/chat/completions'],
    ['anthropic', '/anthropic//v1/messages', '/v1/messages'],
    ['anthropic', '/anthropic/v1/./messages', '/v1/messages'],
    ['gemini', '/gemini/v1beta//models/gemini-2.5-flash:generateContent', '/v1beta/models/gemini-2.5-flash:generateContent'],
  ];
  const CANONICAL = { openai: '/openai/v1/chat/completions', anthropic: '/anthropic/v1/messages', gemini: '/gemini/v1beta/models/gemini-2.5-flash:generateContent' };

  it('each spelling reaches the upstream normalised and is recorded with the canonical usage and cost', async () => {
    const canonical: Partial<Record<keyof typeof CALLS, RequestRecord>> = {};
    for (const provider of Object.keys(CALLS) as (keyof typeof CALLS)[]) {
      const before = await count(tg);
      const r = await post(tg, CANONICAL[provider], CALLS[provider].body, CALLS[provider].headers);
      expect(r.status).toBe(200);
      canonical[provider] = await lastRecord(tg, before);
    }
    let ok = 0;
    for (const [provider, spelling, upstreamPath] of SPELLINGS) {
      const before = await count(tg);
      const r = await post(tg, spelling, CALLS[provider].body, CALLS[provider].headers);
      expect(r.status, spelling).toBe(200);
      expect(fake.received.at(-1)!.path, spelling).toBe(upstreamPath);
      const rec = await lastRecord(tg, before);
      expect(rec.operation, spelling).toBe(CALLS[provider].op);
      expect(rec.usage, spelling).toEqual(canonical[provider]!.usage);
      expect(rec.costUsd, spelling).toBe(canonical[provider]!.costUsd);
      ok++;
    }
    // An SDK pointed at a base URL with a trailing slash.
    const before = await count(tg);
    const sdk = new OpenAI({ baseURL: `${tg.url}/openai/v1/`, apiKey: OPENAI_KEY, maxRetries: 0 });
    await sdk.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect((await lastRecord(tg, before)).usage).toEqual(canonical.openai!.usage);
    ok++;
    figures.add({ section: 'attacks', what: 'path spellings of metered operations (//, ./, ../, %63, case, trailing-slash base URL)', tried: SPELLINGS.length + 1, ok, detail: 'each metered and priced as the canonical path' });
  });

  it('a ".." above the route prefix, or an encoded slash, is refused in the provider\'s shape and never forwarded', async () => {
    const n = fake.received.length;
    const refused = [
      ['/openai/../anthropic/v1/messages', CALLS.anthropic],
      ['/openai/v1/../../gemini/v1beta/models/x:generateContent', CALLS.openai],
      ['/../openai/v1/chat/completions', CALLS.openai],
      ['/openai/v1/chat%2Fcompletions', CALLS.openai],
      ['/openai/v1/chat%5Ccompletions', CALLS.openai],
    ] as const;
    for (const [p, call] of refused) {
      const r = await post(tg, p, call.body, call.headers);
      expect(r.status, p).toBe(400);
      expect(r.json()?.error, p).toBeTruthy();
    }
    expect(fake.received.length).toBe(n);
    figures.add({ section: 'attacks', what: 'paths climbing above the route prefix, encoded slashes', tried: refused.length, ok: refused.length, detail: '400 in the provider\'s error shape, nothing forwarded' });
  });

  it('a spent budget blocks every spelling', async () => {
    const b = (await tg.admin<Budget>('budgets.create', { name: 'spent', period: { kind: 'day' }, limitUsd: 0.000001 })).body.data!;
    try {
      let blocked = 0;
      for (const [provider, spelling] of SPELLINGS) {
        const n = fake.received.length;
        const before = await count(tg);
        const r = await post(tg, spelling, CALLS[provider].body, CALLS[provider].headers);
        expect(r.status, spelling).toBe(402);
        expect(fake.received.length, spelling).toBe(n);
        const rec = await lastRecord(tg, before);
        expect(rec.flags, spelling).toContain('blocked');
        expect(rec.operation, spelling).toBe(CALLS[provider].op);
        blocked++;
      }
      figures.add({ section: 'attacks', what: 'path spellings against a spent budget', tried: SPELLINGS.length, ok: blocked, detail: '402, recorded as blocked, nothing forwarded' });
    } finally {
      await tg.admin('budgets.delete', { id: b.id });
    }
    await aliveAndExact(tg);
  });
});

describe('deep and huge JSON bodies', () => {
  it('a body just under the size limit is forwarded and metered', async () => {
    const before = await count(tg);
    const big = { ...CALLS.openai.body, messages: [{ role: 'user', content: 'x'.repeat(4 * 1024 * 1024) }] };
    const r = await post(tg, '/openai/v1/chat/completions', big, CALLS.openai.headers);
    expect(r.status).toBe(200);
    expect((await lastRecord(tg, before)).usage.inputTokens).toBe(1200);
    figures.add({ section: 'attacks', what: '4 MB request body', tried: 1, ok: 1, detail: 'forwarded and metered' });
    await aliveAndExact(tg);
  });

  // A streamed request's body is rewritten (to ask for usage); one nested too deep to re-serialise is refused.
  // (Without stream_options the option is appended to the client's bytes; with one, the body is re-serialised.)
  it('a 5,000-deep nested field in a streamed request', async () => {
    let deep = '0';
    for (let i = 0; i < 5000; i++) deep = `[${deep}]`;
    const body = `{"model":"gpt-4o-mini","stream":true,"stream_options":{},"messages":[{"role":"user","content":"hi"}],"metadata_x":${deep}}`;
    const r = await post(tg, '/openai/v1/chat/completions', body, CALLS.openai.headers);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error.type).toBe('invalid_request_error');
    figures.add({ section: 'attacks', what: '5,000-deep nested JSON in a streamed request', tried: 1, ok: 1, detail: `answered ${r.status} in the provider's error shape, process alive` });
    await aliveAndExact(tg);
  });
});

describe('oversized strings never bloat the ledger', () => {
  it('a 10 MB model name is stored as 200 characters, flagged, and every query stays small', async () => {
    const before = await count(tg);
    const model = 'm'.repeat(10 * 1024 * 1024);
    const r = await post(tg, '/openai/v1/chat/completions', { ...CALLS.openai.body, model }, CALLS.openai.headers);
    expect(r.status).toBe(200);
    const rec = await lastRecord(tg, before);
    expect(rec.model.length).toBe(200);
    expect(rec.responseModel!.length).toBe(200);
    expect(rec.flags).toContain('truncated');
    expect((await rollups(tg)).every((row) => (row.model ?? '').length <= 200)).toBe(true);
    const spend = await tg.admin('spend.query', { groupBy: ['model'] });
    const recent = await tg.admin('requests.recent', { limit: 500 });
    expect(JSON.stringify(spend.body).length).toBeLessThan(200_000);
    expect(JSON.stringify(recent.body).length).toBeLessThan(1_000_000);
    // The store file, once flushed, holds no copy of the name either.
    await new Promise((res) => setTimeout(res, 200));
    const files = fs.readdirSync(tg.dataDir).filter((f) => f.endsWith('.json'));
    const largest = Math.max(...files.map((f) => fs.statSync(path.join(tg.dataDir, f)).size));
    expect(largest).toBeLessThan(1_000_000);
    figures.add({ section: 'attacks', what: '10 MB model name answered 200', tried: 1, ok: 1, detail: `stored as 200 chars, flagged truncated; store file ${Math.round(largest / 1024)} KB` });
    await aliveAndExact(tg);
  });
});

describe('implausible and non-numeric usage', () => {
  const IMPLAUSIBLE = [1e308, 1e20, 2 ** 53];
  const NON_NUMERIC: unknown[] = ['abc', '100', null, [1], {}, true, 1.5, -3];

  async function call(usage: unknown, stream: boolean) {
    const before = await count(tg);
    const headers = { ...CALLS.openai.headers, 'x-fake': JSON.stringify({ usage }) };
    const body = stream ? { ...CALLS.openai.body, stream: true, stream_options: { include_usage: true } } : CALLS.openai.body;
    const r = await post(tg, '/openai/v1/chat/completions', body, headers);
    expect(r.status).toBe(200);
    return lastRecord(tg, before);
  }

  it('usage beyond any context window is capped and flagged; costs and totals stay finite', async () => {
    let ok = 0;
    for (const v of IMPLAUSIBLE) {
      for (const stream of [false, true]) {
        const rec = await call({ prompt_tokens: v, completion_tokens: v }, stream);
        expect(rec.flags, `${v} ${stream}`).toContain('implausible-usage');
        expect(rec.usage.inputTokens).toBeLessThanOrEqual(10_000_000);
        expect(rec.usage.outputTokens).toBeLessThanOrEqual(10_000_000);
        expect(Number.isFinite(rec.costUsd)).toBe(true);
        // gpt-4o-mini at its capped window: dollars, not trillions.
        expect(rec.costUsd!).toBeLessThan(10);
        ok++;
      }
    }
    figures.add({ section: 'attacks', what: 'implausible usage (1e308, 1e20, 2^53 tokens), streamed and not', tried: IMPLAUSIBLE.length * 2, ok, detail: 'capped to the context window, flagged implausible-usage, totals finite' });
    await aliveAndExact(tg);
  });

  it('unreadable usage is estimated and flagged, never recorded as free', async () => {
    let ok = 0;
    const cases: unknown[] = [...NON_NUMERIC.map((v) => ({ prompt_tokens: v, completion_tokens: v })), {}];
    for (const usage of cases) {
      for (const stream of [false, true]) {
        const rec = await call(usage, stream);
        const what = `${JSON.stringify(usage)} ${stream}`;
        expect(rec.flags, what).toContain('estimated');
        expect(rec.usage.inputTokens, what).toBeGreaterThan(0);
        expect(rec.usage.outputTokens, what).toBeGreaterThan(0);
        expect(rec.costUsd!, what).toBeGreaterThan(0);
        ok++;
      }
    }
    // Anthropic's stream too.
    const before = await count(tg);
    const a = await post(tg, '/anthropic/v1/messages', { ...CALLS.anthropic.body, stream: true }, { ...CALLS.anthropic.headers, 'x-fake': JSON.stringify({ usage: { input_tokens: 'abc', output_tokens: null } }) });
    expect(a.status).toBe(200);
    const rec = await lastRecord(tg, before);
    expect(rec.flags).toContain('estimated');
    expect(rec.costUsd!).toBeGreaterThan(0);
    ok++;
    figures.add({ section: 'attacks', what: 'non-numeric usage ("abc", "100", null, [1], {}, true, 1.5, -3, usage: {}), streamed and not', tried: cases.length * 2 + 1, ok, detail: 'estimated from prompt and text, flagged estimated' });
    await aliveAndExact(tg);
  });
});

describe('attribution headers', () => {
  it('UTF-8 and percent-encoded values are stored as sent; an over-long one is a 400 in the provider\'s shape', async () => {
    const name = 'proj-😀-café';
    const ok: [string, Record<string, string>][] = [
      ['raw UTF-8', { 'x-tollgate-project': name, 'x-tollgate-user': 'zoë', 'x-tollgate-run': 'run-✓' }],
      ['percent-encoded', { 'x-tollgate-project': encodeURIComponent(name), 'x-tollgate-user': encodeURIComponent('zoë'), 'x-tollgate-run': encodeURIComponent('run-✓') }],
      ['RFC 8187', { 'x-tollgate-project': `UTF-8''${encodeURIComponent(name)}`, 'x-tollgate-user': `utf-8''${encodeURIComponent('zoë')}`, 'x-tollgate-run': encodeURIComponent('run-✓') }],
    ];
    for (const [what, headers] of ok) {
      const before = await count(tg);
      const r = await rawBytesRequest(tg.url, '/openai/v1/chat/completions', JSON.stringify(CALLS.openai.body), { ...CALLS.openai.headers, ...headers });
      expect(r.status, `${what}: ${r.text}`).toBe(200);
      const rec = await lastRecord(tg, before);
      expect({ project: rec.project, user: rec.user, run: rec.run }, what).toEqual({ project: name, user: 'zoë', run: 'run-✓' });
    }
    const plain = 'a'.repeat(200);
    let before = await count(tg);
    expect((await post(tg, '/openai/v1/chat/completions', CALLS.openai.body, { ...CALLS.openai.headers, 'x-tollgate-project': plain })).status).toBe(200);
    expect((await lastRecord(tg, before)).project).toBe(plain);
    const n = fake.received.length;
    before = await count(tg);
    const long = await post(tg, '/openai/v1/chat/completions', CALLS.openai.body, { ...CALLS.openai.headers, 'x-tollgate-project': 'a'.repeat(201) });
    expect(long.status).toBe(400);
    expect(long.json()?.error?.message).toMatch(/x-tollgate-project header is 201 characters long/);
    const longA = await post(tg, '/anthropic/v1/messages', CALLS.anthropic.body, { ...CALLS.anthropic.headers, 'x-tollgate-run': 'r'.repeat(500) });
    expect(longA.status).toBe(400);
    expect(longA.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(fake.received.length).toBe(n);
    expect(await count(tg)).toBe(before);
    figures.add({ section: 'attacks', what: 'attribution headers: UTF-8, percent-encoded, RFC 8187, over-long', tried: ok.length + 3, ok: ok.length + 3, detail: 'stored as sent; over 200 chars refused with a 400' });
    await aliveAndExact(tg);
  });
});

describe('SSE line-ending variants, with the official openai SDK as client', () => {
  let variants: Awaited<ReturnType<typeof startSseVariantUpstream>>;
  let tg2: Tollgate;
  beforeAll(async () => {
    variants = await startSseVariantUpstream();
    tg2 = await startTollgate({ upstream: variants.url });
  });
  afterAll(async () => {
    await tg2.stop();
    await variants.close();
  });

  it('the client gets exactly the chunks it asked for, and the record holds the upstream\'s usage', async () => {
    let ok = 0;
    for (const variant of Object.keys(SSE_VARIANTS)) {
      for (const askUsage of [false, true]) {
        const before = await count(tg2);
        const client = new OpenAI({ baseURL: `${tg2.url}/openai/v1`, apiKey: OPENAI_KEY, maxRetries: 0, defaultHeaders: { 'x-variant': variant } });
        const stream = await client.chat.completions.create({
          model: 'gpt-4o-mini',
          stream: true,
          messages: [{ role: 'user', content: 'hi' }],
          ...(askUsage ? { stream_options: { include_usage: true } } : {}),
        });
        const chunks: OpenAI.ChatCompletionChunk[] = [];
        for await (const c of stream) chunks.push(c);
        const what = `${variant}, usage asked: ${askUsage}`;
        const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
        expect(text, what).toBe(VARIANT_TEXT);
        if (!askUsage) {
          expect(chunks.every((c) => !('usage' in c) && c.choices.length === 1), what).toBe(true);
          expect(chunks, what).toEqual(variants.expectedChunks(false));
        } else if (SSE_VARIANTS[variant]!.lastUnterminated !== 'usage') {
          expect(chunks.at(-1)!.usage, what).toEqual(VARIANT_USAGE);
        }
        const rec = await lastRecord(tg2, before);
        expect(rec.usage, what).toMatchObject({ inputTokens: VARIANT_USAGE.prompt_tokens, outputTokens: VARIANT_USAGE.completion_tokens });
        expect(rec.flags, what).toEqual([]);
        ok++;
      }
    }
    figures.add({ section: 'attacks', what: 'SSE variants (LF, CRLF, CR, \\n\\r\\n, split line endings, unterminated last frame, SSE as application/json)', tried: Object.keys(SSE_VARIANTS).length * 2, ok, detail: 'client output as asked for, usage recorded exactly' });
    await aliveAndExact(tg2);
  });
});

describe('already fine: backpressure and abandoned connections', () => {
  let variants: Awaited<ReturnType<typeof startSseVariantUpstream>>;
  let tg3: Tollgate;
  beforeAll(async () => {
    variants = await startSseVariantUpstream();
    tg3 = await startTollgate({ upstream: variants.url });
  });
  afterAll(async () => {
    await tg3.stop();
    await variants.close();
  });

  it('a client reading a fast stream slowly holds the upstream back', async () => {
    const { port } = new URL(tg3.url);
    const body = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/openai/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${OPENAI_KEY}`, 'x-variant': 'flood' } }, resolve);
      req.on('error', reject);
      req.end(body);
    });
    res.pause();
    // The upstream writes 64 MB as fast as it may; with the client not reading, it must be held back.
    await new Promise((r) => setTimeout(r, 600));
    const held = variants.flood.written;
    expect(variants.flood.blocked).toBe(true);
    expect(held).toBeLessThan(variants.flood.total);
    let got = 0;
    res.on('data', (c: Buffer) => (got += c.length));
    res.resume();
    await new Promise((r) => res.on('end', r));
    expect(got).toBeGreaterThanOrEqual(variants.flood.total);
    figures.add({ section: 'attacks', what: 'slow reader of a fast 64 MB stream', tried: 1, ok: 1, detail: `upstream held at ${Math.round(held / 1024 / 1024)} MB until the client read` });
  });

  it('connections abandoned at every stage leave no reservation', async () => {
    const b = (await tg3.admin<Budget>('budgets.create', { name: 'watch', period: { kind: 'day' }, limitUsd: 1000 })).body.data!;
    const { port } = new URL(tg3.url);
    const body = JSON.stringify({ model: 'gpt-4o-mini', stream: true, max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] });
    const stages = {
      'mid-upload': (req: http.ClientRequest) => {
        req.write(body.slice(0, 10));
        setTimeout(() => req.destroy(), 100);
      },
      'before the upstream answers': (req: http.ClientRequest) => {
        req.end(body);
        setTimeout(() => req.destroy(), 150);
      },
      'mid-stream': (req: http.ClientRequest) => {
        req.end(body);
        req.on('response', (res) => res.once('data', () => req.destroy()));
      },
    };
    for (const [stage, act] of Object.entries(stages)) {
      const req = http.request({ host: '127.0.0.1', port, path: '/openai/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${OPENAI_KEY}`, 'x-variant': stage === 'mid-stream' ? 'slow' : 'late' } });
      req.on('error', () => {});
      act(req);
      await new Promise((r) => req.on('close', r));
    }
    const deadline = Date.now() + 3000;
    let reserved = -1;
    while (Date.now() < deadline) {
      const s = (await tg3.admin<{ budget: Budget; reservedUsd: number; reservedTokens: number }[]>('budgets.list')).body.data!.find((x) => x.budget.id === b.id)!;
      reserved = s.reservedUsd + s.reservedTokens;
      if (reserved === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(reserved).toBe(0);
    figures.add({ section: 'faults', what: 'connections abandoned mid-upload, before the answer, mid-stream', tried: 3, ok: 3, detail: 'no reservation left behind' });
    await aliveAndExact(tg3);
  });
});
