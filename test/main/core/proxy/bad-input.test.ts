import Anthropic from '@anthropic-ai/sdk';
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
  await tg.core.api['settings.update']({ bodyLimitBytes: 64 * 1024 });
});
afterAll(async () => {
  await tg.stop();
  await fake.close();
});

async function raw(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${tg.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> & { error?: { message?: string; type?: string; status?: string } } };
}

describe('bad input gets a clear error in the provider\'s own shape, and nothing is forwarded', () => {
  it('body that is not JSON', async () => {
    const n = fake.received.length;
    const r = await raw('/openai/v1/chat/completions', '{"model": gpt-4o', { authorization: 'Bearer sk-x' });
    expect(r.status).toBe(400);
    expect(r.json.error?.type).toBe('invalid_request_error');
    expect(r.json.error?.message).toMatch(/not valid JSON/);
    expect(r.headers.get('x-should-retry')).toBe('false');
    const a = await raw('/anthropic/v1/messages', 'nope', { 'x-api-key': 'sk-ant-x' });
    expect(a.status).toBe(400);
    expect(a.json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const g = await raw('/gemini/v1beta/models/gemini-2.5-flash:generateContent', '[1,2', { 'x-goog-api-key': 'AIza-x' });
    expect(g.status).toBe(400);
    expect(g.json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(fake.received.length).toBe(n);
  });

  it('body over the size limit', async () => {
    const n = fake.received.length;
    const big = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }] });
    const r = await raw('/openai/v1/chat/completions', big, { authorization: 'Bearer sk-x' });
    expect(r.status).toBe(413);
    expect(r.json.error?.message).toMatch(/larger than Tollgate's limit of 65536 bytes/);
    expect(fake.received.length).toBe(n);
  });

  it('missing model', async () => {
    const r = await raw('/openai/v1/chat/completions', JSON.stringify({ messages: [] }), { authorization: 'Bearer sk-x' });
    expect(r.status).toBe(400);
    expect(r.json.error?.message).toMatch(/"model" is missing/);
    const a = await raw('/anthropic/v1/messages', JSON.stringify({ max_tokens: 5, messages: [] }), { 'x-api-key': 'sk-ant-x' });
    expect(a.status).toBe(400);
    expect(a.json.error?.type).toBe('invalid_request_error');
  });

  it('unknown route', async () => {
    const r = await raw('/nowhere/v1/chat/completions', '{}');
    expect(r.status).toBe(404);
    expect(r.json.error?.message).toMatch(/No route for \/nowhere/);
    const c = await raw('/custom/not-configured/chat/completions', '{}');
    expect(c.status).toBe(404);
  });

  it('unknown, revoked and wrong-provider wrapped keys', async () => {
    const n = fake.received.length;
    const unknown = await raw('/openai/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [] }), { authorization: 'Bearer tg_doesnotexist' });
    expect(unknown.status).toBe(401);
    expect(unknown.json.error?.type).toBe('authentication_error');
    const created = await tg.admin<{ key: { id: string }; secret: string }>('keys.create', { name: 'k', provider: 'anthropic', providerKey: 'sk-ant-api03-real' });
    const secret = created.body.data!.secret;
    const wrong = await raw('/openai/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [] }), { authorization: `Bearer ${secret}` });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error?.message).toMatch(/is for anthropic/);
    await tg.admin('keys.revoke', { id: created.body.data!.key.id });
    const revoked = await raw('/anthropic/v1/messages', JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [] }), { 'x-api-key': secret });
    expect(revoked.status).toBe(401);
    expect(revoked.json).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(revoked.json.error?.message).toMatch(/revoked/);
    expect(fake.received.length).toBe(n);
  });

  it('the SDKs surface these as errors without retrying', async () => {
    const n = fake.received.length;
    const openai = new OpenAI({ baseURL: `${tg.url}/openai/v1`, apiKey: 'tg_unknown', maxRetries: 3 });
    await expect(openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [] })).rejects.toMatchObject({ status: 401 });
    const anthropic = new Anthropic({ baseURL: `${tg.url}/anthropic`, apiKey: 'tg_unknown', maxRetries: 3 });
    await expect(anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [] })).rejects.toMatchObject({ status: 401 });
    expect(fake.received.length).toBe(n);
  });
});

describe('upstream errors reach the client unchanged', () => {
  it('4xx, 5xx and 429 with retry-after, byte for byte; recorded as errors with no spend', async () => {
    const before = (await records(tg.core, 0)).length;
    for (const [status, body, headers] of [
      [400, { error: { message: 'bad param', type: 'invalid_request_error', param: 'x', code: null } }, {}],
      [429, { error: { message: 'slow down', type: 'rate_limit_error' } }, { 'retry-after': '7' }],
      [503, { error: { message: 'overloaded', type: 'server_error' } }, {}],
    ] as const) {
      const r = await raw('/openai/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [] }), {
        authorization: 'Bearer sk-x',
        'x-fake': JSON.stringify({ status, errorBody: body, headers }),
      });
      expect(r.status).toBe(status);
      expect(r.json).toEqual(body);
      if (status === 429) expect(r.headers.get('retry-after')).toBe('7');
    }
    const recs = (await records(tg.core, before + 3)).slice(-3);
    expect(recs.map((r) => r.status)).toEqual([400, 429, 503]);
    for (const r of recs) {
      expect(r.flags).toContain('error');
      expect(r.costUsd).toBe(0);
    }
  });

  it('an upstream that cannot be reached gives 502 in the provider\'s shape and the service keeps running', async () => {
    expect((await tg.admin('providers.saveCustom', { id: 'dead', name: 'Dead', baseUrl: 'http://127.0.0.1:1', pricingProviderId: 'openai' })).status).toBe(200);
    const r = await raw('/custom/dead/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [] }), { authorization: 'Bearer sk-x' });
    expect(r.status).toBe(502);
    expect(r.json.error?.message).toMatch(/Could not reach Dead at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    const ok = await raw('/openai/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [] }), { authorization: 'Bearer sk-x' });
    expect(ok.status).toBe(200);
  });

  it('a malformed 200 answer is passed through and recorded with estimated usage', async () => {
    const before = (await records(tg.core, 0)).length;
    const res = await fetch(`${tg.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-x', 'content-type': 'application/json', 'x-fake': JSON.stringify({ malformed: true }) },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }] }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"id": "broken", "usage": {');
    const r = (await records(tg.core, before + 1)).at(-1)!;
    expect(r.flags).toContain('estimated');
  });
});
