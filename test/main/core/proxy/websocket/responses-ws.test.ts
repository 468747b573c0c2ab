import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTollgate, type Tollgate } from '../../../../support/harness.js';
import { startFakeWsUpstream, type FakeWsUpstream } from '../../../../support/fake-ws-upstream.js';
import { records, waitFor } from '../../../../support/wait.js';

let fake: FakeWsUpstream;
let tg: Tollgate;
beforeAll(async () => {
  fake = await startFakeWsUpstream();
  tg = await startTollgate({ upstream: fake.url });
});
afterAll(async () => {
  await tg.stop();
  await fake.close();
});
beforeEach(() => {
  fake.upgrades.length = 0;
  fake.frames.length = 0;
  fake.sent.length = 0;
  fake.setScenario({});
});

const KEY = 'sk-proj-wstest000000000000000001';
// The headers Codex sends on the upgrade (codex exec 0.171).
const CODEX_HEADERS = {
  authorization: `Bearer ${KEY}`,
  'openai-beta': 'responses_websockets=2026-02-06',
  originator: 'codex_exec',
  'user-agent': 'codex_exec/0.171.0 (Ubuntu 24.4.0; x86_64) xterm-256color',
  version: '0.171.0',
  'session-id': '019a-session',
  'x-client-request-id': '019a-request',
};

function body(kind: 'prewarm' | 'turn', extra: Record<string, unknown> = {}) {
  return {
    type: 'response.create',
    model: 'gpt-5',
    instructions: 'You are Codex.',
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'say hi' }] }],
    tools: [],
    tool_choice: 'auto',
    parallel_tool_calls: false,
    store: false,
    stream: true,
    include: [],
    prompt_cache_key: '019a-session',
    client_metadata: { 'x-codex-turn-metadata': JSON.stringify({ request_kind: kind }) },
    ...(kind === 'prewarm' ? { generate: false } : {}),
    ...extra,
  };
}

interface Open {
  ws: WebSocket;
  upgrade: IncomingMessage;
  events: Record<string, unknown>[];
  /** Resolves with the events of the next response, up to its terminal or error event. */
  next(): Promise<Record<string, unknown>[]>;
}

function connect(headers: Record<string, string> = CODEX_HEADERS): Promise<Open> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${tg.url.replace('http', 'ws')}/openai/v1/responses`, { headers, perMessageDeflate: true });
    const events: Record<string, unknown>[] = [];
    let waiters: (() => void)[] = [];
    let read = 0;
    ws.on('message', (d) => {
      events.push(JSON.parse(d.toString()) as Record<string, unknown>);
      for (const w of waiters.splice(0)) w();
    });
    const next = () =>
      new Promise<Record<string, unknown>[]>((done, fail) => {
        const check = () => {
          const end = events.findIndex((e, i) => i >= read && ['response.completed', 'response.incomplete', 'response.failed', 'error'].includes(String(e.type)));
          if (end === -1) return void waiters.push(check);
          const out = events.slice(read, end + 1);
          read = end + 1;
          done(out);
        };
        ws.once('close', () => fail(new Error('closed before the response ended')));
        check();
      });
    ws.once('upgrade', (upgrade) => ws.once('open', () => resolve({ ws, upgrade, events, next })));
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body: text })));
    });
    ws.once('error', reject);
    waiters = [];
  });
}

const refused = (p: Promise<unknown>) => p.then(() => ({ status: 0, body: '' }), (e: { status: number; body: string }) => e);

describe("Codex's WebSocket transport through Tollgate", () => {
  it('prewarm then turn on one socket: the answer arrives, frames pass as sent, each response is recorded with the upstream tokens', async () => {
    fake.setScenario({ headers: { 'x-codex-turn-state': 'ts-1', 'x-models-etag': 'etag-9' } });
    const before = (await records(tg.core, 0)).length;
    const c = await connect();
    expect(c.upgrade.headers['x-codex-turn-state']).toBe('ts-1');
    expect(c.upgrade.headers['x-models-etag']).toBe('etag-9');
    c.ws.send(JSON.stringify(body('prewarm')));
    const warm = await c.next();
    expect(warm.map((e) => e.type)).toEqual(['response.created', 'response.completed']);
    c.ws.send(JSON.stringify(body('turn')));
    const turn = await c.next();
    expect(turn.map((e) => e.type)).toEqual(['response.created', 'response.output_item.added', 'response.output_text.delta', 'response.output_text.delta', 'response.output_text.delta', 'response.output_item.done', 'response.completed']);
    expect(turn.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('')).toBe('Hello over the WebSocket!');
    // What the client got is what the upstream sent, event for event.
    expect([...warm, ...turn]).toEqual(fake.sent);
    c.ws.close();

    expect(fake.upgrades).toHaveLength(1);
    const up = fake.upgrades[0]!;
    expect(up.path).toBe('/v1/responses');
    expect(up.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(up.headers['openai-beta']).toBe('responses_websockets=2026-02-06');
    expect(up.headers.originator).toBe('codex_exec');
    expect(fake.frames).toEqual([body('prewarm'), body('turn')]);

    const [w, t] = (await records(tg.core, before + 2)).slice(-2);
    expect(w).toMatchObject({ provider: 'openai', operation: 'responses', stream: true, status: 200, model: 'gpt-5', costUsd: 0 });
    expect(t).toMatchObject({ provider: 'openai', operation: 'responses', stream: true, status: 200, model: 'gpt-5', responseModel: 'gpt-5', flags: [] });
    expect(t!.usage).toEqual({ inputTokens: 3207, cacheReadTokens: 3000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 120, reasoningTokens: 64 });
    // gpt-5: $1.25 input, $0.125 cached, $10 output per million.
    expect(t!.costUsd).toBeCloseTo((207 * 1.25 + 3000 * 0.125 + 120 * 10) / 1e6, 12);
  });

  it('meters response.incomplete and several responses on one socket, each with its own tokens', async () => {
    const before = (await records(tg.core, 0)).length;
    const c = await connect();
    const usages = [
      { input_tokens: 11, output_tokens: 7 },
      { input_tokens: 1000, input_tokens_details: { cached_tokens: 500 }, output_tokens: 33, output_tokens_details: { reasoning_tokens: 3 } },
    ];
    fake.setScenario({ usage: usages[0] });
    c.ws.send(JSON.stringify(body('turn')));
    await c.next();
    fake.setScenario({ usage: usages[1], terminal: 'response.incomplete' });
    c.ws.send(JSON.stringify(body('turn')));
    expect((await c.next()).at(-1)!.type).toBe('response.incomplete');
    c.ws.close();
    const [a, b] = (await records(tg.core, before + 2)).slice(-2);
    expect([a!.usage.inputTokens, a!.usage.outputTokens]).toEqual([11, 7]);
    expect(b!.usage).toEqual({ inputTokens: 1000, cacheReadTokens: 500, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 33, reasoningTokens: 3 });
    expect(b!.flags).toEqual([]);
  });

  it('a spent budget: the request gets an error event Codex shows, nothing reaches the upstream, one blocked record', async () => {
    const created = await tg.admin<{ id: string }>('budgets.create', { name: 'codex day', period: { kind: 'day' }, limitUsd: 0.000001, hardStopPercent: 100, scope: { provider: 'openai' } });
    expect(created.status).toBe(200);
    try {
      const before = (await records(tg.core, 0)).length;
      const c = await connect();
      c.ws.send(JSON.stringify(body('turn')));
      const [ev] = await c.next();
      expect(ev).toMatchObject({ type: 'error', status: 400, error: { type: 'invalid_request_error', code: 'budget_exceeded' } });
      expect(String((ev!.error as { message: string }).message)).toMatch(/codex day/);
      c.ws.close();
      expect(fake.frames).toHaveLength(0);
      expect(fake.sent).toHaveLength(0);
      const all = await records(tg.core, before + 1);
      expect(all).toHaveLength(before + 1);
      expect(all.at(-1)).toMatchObject({ operation: 'responses', status: 400, stream: true });
      expect(all.at(-1)!.flags).toContain('blocked');
    } finally {
      await tg.admin('budgets.delete', { id: created.body.data!.id });
    }
  });

  it('pause refuses the upgrade itself (Codex: a 400 it prints), and nothing reaches the upstream', async () => {
    await tg.admin('settings.update', { paused: true });
    try {
      const codex = await refused(connect());
      expect(codex.status).toBe(400);
      expect(JSON.parse(codex.body).error).toMatchObject({ code: 'paused' });
      const other = await refused(connect({ authorization: `Bearer ${KEY}` }));
      expect(other.status).toBe(402);
      expect(fake.upgrades).toHaveLength(0);
    } finally {
      await tg.admin('settings.update', { paused: false });
    }
  });

  it("passes the upstream's refusal of the upgrade on as it was (a 404 lets Codex fall back to HTTPS)", async () => {
    fake.setScenario({ rejectStatus: 404, rejectBody: '{"error":"no websockets here"}' });
    const r = await refused(connect());
    expect(r).toMatchObject({ status: 404, body: '{"error":"no websockets here"}' });
  });

  it('an upstream that breaks mid-response: the response is recorded as partial with what was seen', async () => {
    fake.setScenario({ text: 'x'.repeat(400), chunks: 4, breakAfterChunks: 2 });
    const before = (await records(tg.core, 0)).length;
    const c = await connect();
    const closed = new Promise((r) => c.ws.once('close', r));
    c.ws.send(JSON.stringify(body('turn')));
    await closed;
    const r = (await records(tg.core, before + 1)).at(-1)!;
    expect(r.flags).toContain('partial');
    expect(r.flags).toContain('estimated');
    expect(r.usage.outputTokens).toBeGreaterThan(0);
  });

  it('keeps the request gate: a cross-origin upgrade and an unknown path are refused before any upstream socket', async () => {
    const evil = await refused(connect({ ...CODEX_HEADERS, origin: 'http://evil.example' }));
    expect(evil.status).toBe(403);
    const models = await refused(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${tg.url.replace('http', 'ws')}/openai/v1/models`, { headers: CODEX_HEADERS });
        ws.once('open', resolve);
        ws.once('unexpected-response', (_q, res) => reject({ status: res.statusCode, body: '' }));
        ws.once('error', reject);
      }),
    );
    expect(models.status).toBe(404);
    expect(fake.upgrades).toHaveLength(0);
  });

  it('a wrapped Tollgate key: the upstream socket carries the real provider key', async () => {
    const created = await tg.admin<{ secret: string }>('keys.create', { name: 'Codex', provider: 'openai', providerKey: 'sk-proj-real-provider-key-0001' });
    expect(created.status).toBe(200);
    const c = await connect({ ...CODEX_HEADERS, authorization: `Bearer ${created.body.data!.secret}` });
    c.ws.send(JSON.stringify(body('turn')));
    await c.next();
    c.ws.close();
    expect(fake.upgrades[0]!.headers.authorization).toBe('Bearer sk-proj-real-provider-key-0001');
    expect(JSON.stringify(fake.upgrades[0]!.headers)).not.toContain(created.body.data!.secret);
  });
});


describe('limits on the WebSocket transport', () => {
  it("a client's pings reach the upstream, so neither end's idle timer closes a socket in use", async () => {
    const c = await connect();
    const pongs = new Promise((r) => c.ws.once('pong', r));
    const seen = fake.pings;
    c.ws.ping();
    await pongs;
    await waitFor(() => fake.pings > seen, 2000, 'the ping upstream');
    c.ws.close();
  });


  it('a response.create over the body limit gets an error event and never reaches the upstream', async () => {
    await tg.admin('settings.update', { bodyLimitBytes: 64 * 1024 });
    try {
      const c = await connect();
      c.ws.send(JSON.stringify(body('turn', { instructions: 'x'.repeat(70 * 1024) })));
      const [ev] = await c.next();
      // Codex would retry a 413 it does not know; every refusal reaches it as the 400 it stops on.
      expect(ev).toMatchObject({ type: 'error', status: 400, error: { code: 'too_large' } });
      c.ws.close();
      expect(fake.frames).toHaveLength(0);
    } finally {
      await tg.admin('settings.update', { bodyLimitBytes: 32 * 1024 * 1024 });
    }
  });

  it('a response whose running cost passes the hard stop is cut off with an error event and recorded as cut off', async () => {
    const created = await tg.admin<{ id: string }>('budgets.create', { name: 'ws stop', period: { kind: 'day' }, limitUsd: 0.05, hardStopPercent: 100, scope: { provider: 'openai' } });
    expect(created.status).toBe(200);
    try {
      // About 100k output tokens at gpt-5's $10 per million: $1, far past the $0.05 stop.
      fake.setScenario({ text: 'abcd'.repeat(100_000), chunks: 200 });
      const before = (await records(tg.core, 0)).length;
      const c = await connect();
      c.ws.send(JSON.stringify(body('turn')));
      const events = await c.next();
      const last = events.at(-1)!;
      expect(last).toMatchObject({ type: 'error', error: { code: 'budget_exceeded' } });
      expect(events.some((e) => e.type === 'response.completed')).toBe(false);
      const r = (await records(tg.core, before + 1)).at(-1)!;
      expect(r.flags).toContain('cut-off');
      expect(r.costUsd!).toBeLessThan(0.1);
    } finally {
      await tg.admin('budgets.delete', { id: created.body.data!.id });
    }
  });
});
