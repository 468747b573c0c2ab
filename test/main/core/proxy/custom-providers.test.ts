import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, type Tollgate } from '../../../support/harness.js';
import { records } from '../../../support/wait.js';

let fake: FakeUpstream;
let tg: Tollgate;

beforeAll(async () => {
  fake = await startFakeUpstream();
  tg = await startTollgate({ upstream: fake.url });
  const add = (p: object) => tg.admin('providers.saveCustom', p);
  expect((await add({ id: 'openrouter', name: 'OpenRouter', baseUrl: `${fake.url}/api/v1`, pricingProviderId: 'openrouter' })).status).toBe(200);
  expect((await add({ id: 'groq', name: 'Groq', baseUrl: `${fake.url}/openai/v1`, pricingProviderId: 'groq' })).status).toBe(200);
  expect((await add({ id: 'ollama', name: 'Ollama', baseUrl: `${fake.url}/v1`, free: true, injectStreamUsage: false })).status).toBe(200);
  expect(
    (await add({ id: 'azure', name: 'Azure OpenAI', baseUrl: `${fake.url}/openai/deployments/prod`, pricingProviderId: 'openai', authHeader: 'api-key', defaultModel: 'gpt-4o' })).status,
  ).toBe(200);
});
afterAll(async () => {
  await tg.stop();
  await fake.close();
});

const client = (id: string, headers: Record<string, string> = {}) =>
  new OpenAI({ baseURL: `${tg.url}/custom/${id}`, apiKey: `sk-${id}-key-000000001111`, maxRetries: 0, defaultHeaders: headers });

describe('user-defined OpenAI-compatible providers', () => {
  it('OpenRouter: the upstream-reported usage.cost is the cost', async () => {
    const before = (await records(tg.core, 0)).length;
    const usage = { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150, cost: 0.004321 };
    await client('openrouter', { 'x-fake': JSON.stringify({ usage }) }).chat.completions.create({ model: 'anthropic/claude-sonnet-4.5', messages: [] });
    expect(fake.received.at(-1)!.path).toBe('/api/v1/chat/completions');
    const r = (await records(tg.core, before + 1)).at(-1)!;
    expect(r.provider).toBe('openrouter');
    expect(r.costUsd).toBe(0.004321);
    expect(r.priceSource).toBe('reported by upstream');
  });

  it('OpenRouter streamed: the cost arrives in the last message', async () => {
    const before = (await records(tg.core, 0)).length;
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cost: 0.0001 };
    const s = await client('openrouter', { 'x-fake': JSON.stringify({ usage }) }).chat.completions.create({ model: 'openai/gpt-4o', stream: true, messages: [] });
    for await (const _ of s) void _;
    expect((await records(tg.core, before + 1)).at(-1)!.costUsd).toBe(0.0001);
  });

  it('Groq: priced from the database under its own provider id', async () => {
    const before = (await records(tg.core, 0)).length;
    const usage = { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 };
    await client('groq', { 'x-fake': JSON.stringify({ usage }) }).chat.completions.create({ model: 'llama-3.3-70b-versatile', messages: [] });
    const r = (await records(tg.core, before + 1)).at(-1)!;
    // llama-3.3-70b-versatile on Groq: $0.59 input, $0.79 output per million.
    expect(r.costUsd).toBeCloseTo((1000 * 0.59 + 100 * 0.79) / 1e6, 12);
  });

  it('Ollama: local models cost $0 on purpose; stream usage is not injected when turned off', async () => {
    const before = (await records(tg.core, 0)).length;
    const s = await client('ollama').chat.completions.create({ model: 'llama3.2', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    for await (const _ of s) void _;
    expect((fake.received.at(-1)!.body as Record<string, unknown>).stream_options).toBeUndefined();
    const r = (await records(tg.core, before + 1)).at(-1)!;
    expect(r.costUsd).toBe(0);
    expect(r.priceSource).toMatch(/free/);
    expect(r.flags).not.toContain('unpriced');
  });

  it('Azure OpenAI: the key travels in api-key and the deployment model is used when the body names none', async () => {
    const before = (await records(tg.core, 0)).length;
    const res = await fetch(`${tg.url}/custom/azure/chat/completions?api-version=2024-10-21`, {
      method: 'POST',
      headers: { 'api-key': 'azure-key-000000000000abcd', 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    const sent = fake.received.at(-1)!;
    expect(sent.path).toBe('/openai/deployments/prod/chat/completions');
    expect(sent.query.get('api-version')).toBe('2024-10-21');
    expect(sent.headers['api-key']).toBe('azure-key-000000000000abcd');
    const r = (await records(tg.core, before + 1)).at(-1)!;
    expect(r.model).toBe('gpt-4o');
    expect(r.costUsd).toBeGreaterThan(0);
  });

  it('rejects a bad custom provider with a message naming the field', async () => {
    const r = await tg.admin('providers.saveCustom', { id: 'Bad Id', baseUrl: 'x' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid', field: 'provider.id' });
    const u = await tg.admin('providers.saveCustom', { id: 'ok', baseUrl: 'ftp://x' });
    expect(u.body.error?.field).toBe('provider.baseUrl');
    const builtin = await tg.admin('providers.saveCustom', { id: 'openai', baseUrl: 'http://x' });
    expect(builtin.body.error?.message).toMatch(/built-in/);
  });

  it('lists providers with the base URL clients point at', async () => {
    const r = await tg.admin<{ id: string; proxyUrl: string; builtin: boolean }[]>('providers.list');
    const byId = Object.fromEntries(r.body.data!.map((p) => [p.id, p]));
    expect(byId.openai!.proxyUrl).toBe(`${tg.url}/openai/v1`);
    expect(byId.anthropic!.proxyUrl).toBe(`${tg.url}/anthropic`);
    expect(byId.groq).toMatchObject({ proxyUrl: `${tg.url}/custom/groq`, builtin: false });
  });
});
