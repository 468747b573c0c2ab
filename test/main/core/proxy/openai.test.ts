import http from 'node:http';
import OpenAI from 'openai';
import { beforeEach, describe, expect, it } from 'vitest';
import { useProxyFixture } from '../../../support/harness.js';
import { records } from '../../../support/wait.js';

const env = useProxyFixture();
const KEY = 'sk-proj-testkey0000000000001234';
beforeEach(() => {
  env.fake.received.length = 0;
});

const client = (headers: Record<string, string> = {}) =>
  new OpenAI({ baseURL: `${env.tg.url}/openai/v1`, apiKey: KEY, maxRetries: 0, defaultHeaders: headers });

// gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per million tokens. Default fake usage:
// 1200 prompt tokens of which 1024 cached, 80 completion tokens.
const GPT4O_MINI_DEFAULT = (176 * 0.15 + 1024 * 0.075 + 80 * 0.6) / 1e6;

describe('OpenAI through the proxy, with the official SDK', () => {
  it('non-streamed chat: the client gets the answer, the cost header, and the ledger the priced call', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const { data, response } = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe('Hello from the fake upstream!');
    expect(Number(response.headers.get('x-tollgate-cost-usd'))).toBeCloseTo(GPT4O_MINI_DEFAULT, 9);
    expect(response.headers.get('x-tollgate-request-id')).toMatch(/^req_/);
    const r = (await records(env.tg.core, before + 1)).at(-1)!;
    expect(r).toMatchObject({ provider: 'openai', operation: 'chat.completions', model: 'gpt-4o-mini', stream: false, status: 200, flags: [] });
    expect(r.usage).toEqual({ inputTokens: 1200, cacheReadTokens: 1024, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 80, reasoningTokens: 0 });
    expect(r.costUsd).toBeCloseTo(GPT4O_MINI_DEFAULT, 9);
    expect(r.keyLabel).toBe('sk-proj-…1234');
    expect(r.keyId).toMatch(/^fp_[0-9a-f]{16}$/);
  });

  it('streamed chat without include_usage: Tollgate asks upstream for usage, the client never sees it, the call is priced', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe('Hello from the fake upstream!');
    expect(chunks.every((c) => c.usage === undefined && c.choices.length === 1)).toBe(true);
    const sent = env.fake.received.at(-1)!.body as { stream_options?: { include_usage?: boolean } };
    expect(sent.stream_options?.include_usage).toBe(true);
    const r = (await records(env.tg.core, before + 1)).at(-1)!;
    expect(r.stream).toBe(true);
    expect(r.costUsd).toBeCloseTo(GPT4O_MINI_DEFAULT, 9);
    expect(r.flags).toEqual([]);
  });

  it('streamed chat without stream_options: upstream gets the client’s own bytes with the option appended', async () => {
    // Spacing, key order and escapes a re-serialisation would change.
    const raw = '{ "stream": true,\n  "messages": [{"role":"user","content":"caf\\u00e9 \u2603"}], "model": "gpt-4o-mini" }\n';
    const res = await fetch(`${env.tg.url}/openai/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' }, body: raw });
    expect(res.status).toBe(200);
    await res.text();
    const sent = env.fake.received.at(-1)!.rawBody.toString('utf8');
    expect(sent).toBe(raw.replace(/ }\n$/, ' ,"stream_options":{"include_usage":true}}\n'));
  });

  it('streamed chat with include_usage: the client gets the usage chunk as upstream sent it', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage?.prompt_tokens).toBe(1200);
    expect(usage?.prompt_tokens_details?.cached_tokens).toBe(1024);
  });

  it('prices reasoning and cached tokens through the Responses API, streamed and not', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const res = await client().responses.create({ model: 'gpt-5', input: 'hi' });
    expect(res.output_text).toBe('Hello from the fake upstream!');
    const stream = await client().responses.create({ model: 'gpt-5', input: 'hi', stream: true });
    const types: string[] = [];
    for await (const ev of stream) types.push(ev.type);
    expect(types.at(-1)).toBe('response.completed');
    const [a, b] = (await records(env.tg.core, before + 2)).slice(-2);
    // gpt-5: $1.25 input, $0.125 cached, $10 output; 3207 input (3000 cached), 120 output (64 reasoning).
    const expected = (207 * 1.25 + 3000 * 0.125 + 120 * 10) / 1e6;
    for (const r of [a!, b!]) {
      expect(r.operation).toBe('responses');
      expect(r.usage.reasoningTokens).toBe(64);
      expect(r.costUsd).toBeCloseTo(expected, 9);
    }
    expect(b!.stream).toBe(true);
  });

  it('prices a streamed Responses call with the usage the upstream reported', async () => {
    const before = (await records(env.tg.core, 0)).length;
    await client({ 'x-fake': JSON.stringify({ usage: { input_tokens: 100, output_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } } }) }).responses.create({
      model: 'gpt-4.1-nano',
      input: 'hi',
      stream: true,
    }).then(async (s) => {
      for await (const _ of s) void _;
    });
    const r = (await records(env.tg.core, before + 1)).at(-1)!;
    expect(r.costUsd).toBeCloseTo((100 * 0.1 + 10 * 0.4) / 1e6, 12);
  });

  it('embeddings and legacy completions', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const e = await client().embeddings.create({ model: 'text-embedding-3-small', input: 'hello world' });
    expect(e.data).toHaveLength(1);
    const c = await client({ 'x-fake': JSON.stringify({ usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 } }) }).completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say hi',
    });
    expect(c.choices[0]!.text).toBe('Hello from the fake upstream!');
    const [emb, legacy] = (await records(env.tg.core, before + 2)).slice(-2);
    expect(emb!.operation).toBe('embeddings');
    expect(emb!.costUsd).toBeCloseTo((8 * 0.02) / 1e6, 12);
    expect(legacy!.operation).toBe('completions');
    expect(legacy!.costUsd).toBeCloseTo((100 * 1.5 + 20 * 2) / 1e6, 12);
  });

  it('records an unknown model as unpriced with its tokens, never as $0', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const { response } = await client().chat.completions.create({ model: 'gpt-unknown-model', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(response.headers.get('x-tollgate-cost-usd')).toBeNull();
    expect(response.headers.get('x-tollgate-unpriced')).toBe('true');
    const r = (await records(env.tg.core, before + 1)).at(-1)!;
    expect(r.costUsd).toBeNull();
    expect(r.flags).toContain('unpriced');
    expect(r.usage.inputTokens).toBe(1200);
  });

  it('strips x-tollgate-* headers before forwarding and attributes the call by them', async () => {
    const before = (await records(env.tg.core, 0)).length;
    await client({ 'x-tollgate-project': 'apollo', 'x-tollgate-user': 'ana', 'x-tollgate-run': 'run-7' }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const sent = env.fake.received.at(-1)!.headers;
    expect(Object.keys(sent).filter((k) => k.startsWith('x-tollgate'))).toEqual([]);
    expect(sent.authorization).toBe(`Bearer ${KEY}`);
    const r = (await records(env.tg.core, before + 1)).at(-1)!;
    expect(r).toMatchObject({ project: 'apollo', user: 'ana', run: 'run-7' });
  });

  it('passes other paths through untouched and unmetered', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const models = await client().models.list();
    expect(models.data[0]!.id).toBe('gpt-4o-mini');
    await new Promise((r) => setTimeout(r, 20));
    expect((await records(env.tg.core, 0)).length).toBe(before);
  });

  it('streams an unmetered upload through whole: chunked, after asking to continue', async () => {
    const parts = ['{"purpose":', '"batch","data":"', 'x'.repeat(200_000), '"}'];
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${env.tg.url}/openai/v1/files`,
        { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', expect: '100-continue' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        },
      );
      req.on('error', reject);
      // The body leaves only once Tollgate's server says to continue, in parts, as an upload's stream would.
      req.on('continue', async () => {
        for (const p of parts) {
          req.write(p);
          await new Promise((r) => setTimeout(r, 5));
        }
        req.end();
      });
    });
    expect(status).toBe(404); // the fake upstream has no files route: what it received is what counts
    const got = env.fake.received.at(-1)!;
    expect(got.path).toBe('/v1/files');
    expect(got.rawBody.toString()).toBe(parts.join(''));
    expect(got.headers['transfer-encoding']).toBe('chunked');
    expect(got.headers.expect).toBeUndefined();
    expect(got.headers.authorization).toBe(`Bearer ${KEY}`);
  });
});
