import { describe, expect, it } from 'vitest';
import { useProxyFixture } from '../../../support/harness.js';
import { records } from '../../../support/wait.js';

const env = useProxyFixture();
const KEY = 'AIzaSyTestKey00000000000000000qrst';

function call(path: string, scenario: object = {}, body: object = { contents: [{ parts: [{ text: 'hi' }] }] }, headers: Record<string, string> = { 'x-goog-api-key': KEY }) {
  return fetch(`${env.tg.url}/gemini${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fake': JSON.stringify(scenario), ...headers },
    body: JSON.stringify(body),
  });
}

describe('Gemini through the proxy', () => {
  it('generateContent at the long-context tier, with cached content and thinking tokens', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const usage = { promptTokenCount: 250_000, cachedContentTokenCount: 100_000, candidatesTokenCount: 1000, thoughtsTokenCount: 500, totalTokenCount: 251_500 };
    const res = await call('/v1beta/models/gemini-2.5-pro:generateContent', { usage });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { candidates: unknown[] };
    expect(body.candidates).toHaveLength(1);
    const r = (await records(env.tg.core, before + 1)).at(-1)!;
    // gemini-2.5-pro above 200k prompt tokens: $2.50 input, $0.25 cached, $15 output (thinking billed as output).
    const expected = (150_000 * 2.5 + 100_000 * 0.25 + 1500 * 15) / 1e6;
    expect(r.costUsd).toBeCloseTo(expected, 9);
    expect(Number(res.headers.get('x-tollgate-cost-usd'))).toBeCloseTo(expected, 9);
    expect(r.model).toBe('gemini-2.5-pro');
  });

  it('streamGenerateContent with alt=sse takes the last running totals', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const res = await call('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', { chunks: 4 });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text.split('\r\n\r\n').filter(Boolean)).toHaveLength(4);
    const r = (await records(env.tg.core, before + 1)).at(-1)!;
    // gemini-2.5-flash: $0.30 input, $2.50 output; 9 prompt, 5 candidates + 21 thoughts.
    expect(r.costUsd).toBeCloseTo((9 * 0.3 + 26 * 2.5) / 1e6, 12);
    expect(r.stream).toBe(true);
    expect(r.flags).toEqual([]);
  });

  it('streamGenerateContent without alt=sse (one JSON array) is passed through and metered at the end', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const res = await call('/v1beta/models/gemini-2.5-flash:streamGenerateContent', { chunks: 3 });
    const arr = (await res.json()) as unknown[];
    expect(arr).toHaveLength(3);
    const r = (await records(env.tg.core, before + 1)).at(-1)!;
    expect(r.usage.outputTokens).toBe(26);
    expect(r.costUsd).toBeCloseTo((9 * 0.3 + 26 * 2.5) / 1e6, 12);
  });

  it('accepts the key in ?key= as older clients send it', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const res = await call(`/v1beta/models/gemini-2.5-flash:generateContent?key=${KEY}`, {}, undefined, {});
    expect(res.status).toBe(200);
    expect(env.fake.received.at(-1)!.query.get('key')).toBe(KEY);
    const r = (await records(env.tg.core, before + 1)).at(-1)!;
    expect(r.keyLabel).toBe('AIza…qrst');
  });

  it('embedContent reports no usage: input is estimated from the text and flagged', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const res = await call('/v1beta/models/gemini-embedding-001:embedContent', {}, { content: { parts: [{ text: 'x'.repeat(400) }] } });
    expect(res.status).toBe(200);
    const r = (await records(env.tg.core, before + 1)).at(-1)!;
    expect(r.usage.inputTokens).toBe(100);
    expect(r.flags).toContain('estimated');
  });
});
