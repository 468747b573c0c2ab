import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, type Tollgate } from '../../../support/harness.js';
import { records } from '../../../support/wait.js';

let fake: FakeUpstream;
let tg: Tollgate;

beforeAll(async () => {
  fake = await startFakeUpstream();
  tg = await startTollgate({ upstream: fake.url, core: { env: {} } });
  await tg.core.api['settings.update']({ upstreams: { openai: fake.url, anthropic: fake.url, gemini: fake.url }, upstreamIdleTimeoutMs: 1000 });
});
afterAll(async () => {
  await tg.stop();
  await fake.close();
});

/** Starts a streamed request and aborts it after `afterChunks` chunks have arrived. */
function abortAfter(path: string, body: object, headers: Record<string, string>, afterChunks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(`${tg.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let n = 0;
      res.on('data', () => {
        if (++n === afterChunks) {
          req.destroy();
          resolve(n);
        }
      });
      res.on('error', () => {});
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    req.end(payload);
  });
}

describe('streams cut short are still recorded', () => {
  it('a client abort mid-stream records the usage seen so far, flagged partial, and stops the upstream', async () => {
    const before = (await records(tg.core, 0)).length;
    const text = 'x'.repeat(400);
    await abortAfter(
      '/anthropic/v1/messages',
      { model: 'claude-sonnet-4-5', stream: true, max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] },
      { 'x-api-key': 'sk-ant-abort', 'x-fake': JSON.stringify({ text, chunks: 10, chunkDelayMs: 30 }) },
      4,
    );
    const r = (await records(tg.core, before + 1)).at(-1)!;
    expect(r.flags).toContain('partial');
    expect(r.stream).toBe(true);
    // message_start's input and cache counts were seen; output is estimated from the text that arrived.
    expect(r.usage.inputTokens).toBe(19425);
    expect(r.usage.outputTokens).toBeGreaterThan(0);
    expect(r.usage.outputTokens).toBeLessThan(100);
    expect(r.flags).toContain('estimated');
    expect(r.costUsd).toBeGreaterThan(0);
  });

  it('an upstream that breaks mid-stream: the client sees the break, the ledger the partial usage', async () => {
    const before = (await records(tg.core, 0)).length;
    const res = await fetch(`${tg.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-break', 'content-type': 'application/json', 'x-fake': JSON.stringify({ text: 'y'.repeat(200), chunks: 10, breakAfterChunks: 5 }) },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'count to ten please' }] }),
    });
    await expect(res.text()).rejects.toThrow();
    const r = (await records(tg.core, before + 1)).at(-1)!;
    expect(r.flags).toEqual(expect.arrayContaining(['partial', 'estimated']));
    // No usage chunk came: input is estimated from the prompt, output from the 100 characters that arrived.
    expect(r.usage.inputTokens).toBeGreaterThan(0);
    expect(r.usage.outputTokens).toBe(25);
    expect(r.costUsd).toBeGreaterThan(0);
  });

  it('a stream that ends cleanly without usage is estimated, never $0', async () => {
    const before = (await records(tg.core, 0)).length;
    const res = await fetch(`${tg.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-ant-nousage', 'content-type': 'application/json', 'x-fake': JSON.stringify({ omitUsage: true, text: 'z'.repeat(80) }) },
      body: JSON.stringify({ model: 'claude-haiku-4-5', stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.text();
    const r = (await records(tg.core, before + 1)).at(-1)!;
    expect(r.flags).toContain('estimated');
    expect(r.usage.outputTokens).toBe(20);
    expect(r.costUsd).toBeGreaterThan(0);
  });

  it('a stalled upstream is given up on after the idle timeout: the stream ends, usage so far is recorded', async () => {
    const before = (await records(tg.core, 0)).length;
    const started = Date.now();
    const res = await fetch(`${tg.url}/openai/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-stall', 'content-type': 'application/json', 'x-fake': JSON.stringify({ text: 'w'.repeat(40), chunks: 4, stallAfterChunks: 2 }) },
      body: JSON.stringify({ model: 'gpt-5', stream: true, input: 'hi' }),
    });
    await expect(res.text()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
    const r = (await records(tg.core, before + 1)).at(-1)!;
    expect(r.flags).toContain('partial');
    expect(r.usage.outputTokens).toBe(5);
  });

  it('an upstream that never answers gets a 504 in the provider\'s shape', async () => {
    const res = await fetch(`${tg.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-ant-slow', 'content-type': 'application/json', 'x-fake': JSON.stringify({ delayMs: 3000 }) },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [] }),
    });
    expect(res.status).toBe(504);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('timeout_error');
  });
});
