import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { useProxyFixture } from '../../../support/harness.js';
import { records } from '../../../support/wait.js';

const env = useProxyFixture();

const client = (opts: { apiKey?: string; authToken?: string; headers?: Record<string, string> } = {}) =>
  new Anthropic({
    baseURL: `${env.tg.url}/anthropic`,
    apiKey: opts.authToken ? null : (opts.apiKey ?? 'sk-ant-api03-testkey000000000000wxyz'),
    authToken: opts.authToken ?? null,
    maxRetries: 0,
    defaultHeaders: opts.headers,
  });

// claude-sonnet-4-5 per million tokens: $3 input, $3.75 5-minute write, $6 1-hour write, $0.30 read, $15 output.
// Default fake usage (Claude Code-like): 4 uncached, 12145 written with a 1-hour TTL, 7276 read, 215 output.
const SONNET_DEFAULT = (4 * 3 + 12145 * 6 + 7276 * 0.3 + 215 * 15) / 1e6;

describe('Anthropic through the proxy, with the official SDK', () => {
  it('non-streamed messages: cache reads and 1-hour writes priced right', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const msg = await client().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Hello from the fake upstream!' });
    const r = (await records(env.tg.core, before + 1)).at(-1)!;
    expect(r.usage).toEqual({ inputTokens: 19425, cacheReadTokens: 7276, cacheWrite5mTokens: 0, cacheWrite1hTokens: 12145, outputTokens: 215, reasoningTokens: 0 });
    expect(r.costUsd).toBeCloseTo(SONNET_DEFAULT, 9);
  });

  it('streamed messages: message_start input plus the final message_delta output', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const usage = {
      input_tokens: 10,
      cache_creation_input_tokens: 3000,
      cache_read_input_tokens: 5000,
      cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
      output_tokens: 500,
    };
    const stream = client({ headers: { 'x-fake': JSON.stringify({ usage, chunks: 5 }) } }).messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 1000,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const final = await stream.finalMessage();
    expect(final.usage.output_tokens).toBe(500);
    const r = (await records(env.tg.core, before + 1)).at(-1)!;
    expect(r.stream).toBe(true);
    expect(r.usage).toMatchObject({ cacheWrite5mTokens: 1000, cacheWrite1hTokens: 2000, cacheReadTokens: 5000, outputTokens: 500 });
    expect(r.costUsd).toBeCloseTo((10 * 3 + 1000 * 3.75 + 2000 * 6 + 5000 * 0.3 + 500 * 15) / 1e6, 9);
  });

  it('passes Claude Code subscription OAuth bearer tokens through untouched and marks the dollars API-equivalent', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const token = 'sk-ant-oat01-subscriptiontoken0000abcd';
    await client({ authToken: token, headers: { 'anthropic-beta': 'oauth-2025-04-20' } }).messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const sent = env.fake.received.at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${token}`);
    expect(sent.headers['x-api-key']).toBeUndefined();
    expect(sent.headers['anthropic-beta']).toBe('oauth-2025-04-20');
    const r = (await records(env.tg.core, before + 1)).at(-1)!;
    expect(r.flags).toContain('subscription');
    expect(r.keyLabel).toBe('sk-ant-oat01-…abcd');
  });

  it('keeps the query string Claude Code sends (?beta=true) and passes count_tokens through unmetered', async () => {
    const before = (await records(env.tg.core, 0)).length;
    const res = await fetch(`${env.tg.url}/anthropic/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-ant-api03-k', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(200);
    expect(env.fake.received.at(-1)!.query.get('beta')).toBe('true');
    const count = await client().messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] });
    expect(count.input_tokens).toBe(42);
    const all = await records(env.tg.core, before + 1);
    expect(all.length).toBe(before + 1);
  });
});
