import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { useProxyFixture } from '../../../support/harness.js';

const env = useProxyFixture();

/** A raw HTTP POST that records each chunk as it arrives, with its arrival time. */
function post(url: string, body: object, headers: Record<string, string>): Promise<{ status: number; chunks: { at: number; data: Buffer }[]; body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } }, (res) => {
      const chunks: { at: number; data: Buffer }[] = [];
      res.on('data', (d: Buffer) => chunks.push({ at: performance.now(), data: d }));
      res.on('end', () => resolve({ status: res.statusCode!, chunks, body: Buffer.concat(chunks.map((c) => c.data)), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const routes: [string, string, string, object, Record<string, string>][] = [
  ['OpenAI chat (stream, include_usage)', '/openai', '/v1/chat/completions', { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [] }, { authorization: 'Bearer sk-x' }],
  ['OpenAI chat (not streamed)', '/openai', '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [] }, { authorization: 'Bearer sk-x' }],
  ['OpenAI responses (stream)', '/openai', '/v1/responses', { model: 'gpt-5', stream: true, input: 'x' }, { authorization: 'Bearer sk-x' }],
  ['Anthropic messages (stream)', '/anthropic', '/v1/messages', { model: 'claude-sonnet-4-5', stream: true, max_tokens: 5, messages: [] }, { 'x-api-key': 'sk-ant-x' }],
  ['Anthropic messages', '/anthropic', '/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [] }, { 'x-api-key': 'sk-ant-x' }],
  ['Gemini SSE', '/gemini', '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', { contents: [] }, { 'x-goog-api-key': 'AIza-x' }],
];

describe('the client receives the upstream bytes unchanged', () => {
  for (const [name, prefix, path, body, headers] of routes) {
    it(name, async () => {
      const direct = await post(env.fake.url + path, body, headers);
      const proxied = await post(env.tg.url + prefix + path, body, headers);
      expect(proxied.status).toBe(direct.status);
      expect(proxied.body.equals(direct.body)).toBe(true);
      expect(proxied.headers['content-type']).toBe(direct.headers['content-type']);
    });
  }

  it('a client that did not ask for stream usage gets exactly what the upstream sends such a client', async () => {
    const body = { model: 'gpt-4o-mini', stream: true, messages: [] };
    const direct = await post(env.fake.url + '/v1/chat/completions', body, { authorization: 'Bearer sk-x' });
    const proxied = await post(env.tg.url + '/openai/v1/chat/completions', body, { authorization: 'Bearer sk-x' });
    expect(proxied.body.toString()).toBe(direct.body.toString());
    // …while upstream was asked for (and sent) the usage chunk.
    expect((env.fake.received.at(-1)!.body as Record<string, unknown>).stream_options).toEqual({ include_usage: true });
  });
});

describe('streams are not buffered', () => {
  it('each chunk reaches the client while the upstream is still sending', async () => {
    const body = { model: 'claude-sonnet-4-5', stream: true, max_tokens: 5, messages: [] };
    const res = await post(env.tg.url + '/anthropic/v1/messages', body, { 'x-api-key': 'sk-ant-x', 'x-fake': JSON.stringify({ chunks: 5, chunkDelayMs: 60 }) });
    const deltas = res.chunks.filter((c) => c.data.toString().includes('content_block_delta'));
    expect(deltas.length).toBeGreaterThanOrEqual(4);
    // 60 ms between upstream chunks must show up as gaps on the client side, not one burst at the end.
    const spread = deltas.at(-1)!.at - deltas[0]!.at;
    expect(spread).toBeGreaterThan(150);
  });

  it('in filter mode too (usage injected), frames arrive as they are produced', async () => {
    const body = { model: 'gpt-4o-mini', stream: true, messages: [] };
    const res = await post(env.tg.url + '/openai/v1/chat/completions', body, { authorization: 'Bearer sk-x', 'x-fake': JSON.stringify({ chunks: 5, chunkDelayMs: 60 }) });
    const withContent = res.chunks.filter((c) => c.data.toString().includes('"content"'));
    expect(withContent.length).toBeGreaterThanOrEqual(4);
    expect(withContent.at(-1)!.at - withContent[0]!.at).toBeGreaterThan(150);
  });
});
