import fs from 'node:fs';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { KeyDto } from '../../../../src/main/contract/keys.js';
import { startTollgate, useProxyFixture } from '../../../support/harness.js';
import { records } from '../../../support/wait.js';

const env = useProxyFixture();
const REAL_OPENAI = 'sk-proj-REALSECRET-openai-0123456789abcdef';
const REAL_ANTHROPIC = 'sk-ant-api03-REALSECRET-anthropic-0123456789';

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('wrapped keys', () => {
  it('swap in the real key upstream, attribute spend to the wrapped key, its project and owner', async () => {
    const created = await env.tg.admin<{ key: KeyDto; secret: string }>('keys.create', { name: 'Claude Code', provider: 'anthropic', providerKey: REAL_ANTHROPIC, project: 'infra', owner: 'ana' });
    expect(created.status).toBe(200);
    const { key, secret } = created.body.data!;
    expect(secret).toMatch(/^tg_[A-Za-z0-9]{40}$/);
    expect(key).toMatchObject({ kind: 'wrapped', name: 'Claude Code', project: 'infra', owner: 'ana', upstreamLabel: 'sk-ant-api03-…6789' });
    const before = (await records(env.tg.core, 0)).length;
    const client = new Anthropic({ baseURL: `${env.tg.url}/anthropic`, apiKey: secret, maxRetries: 0 });
    await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(env.fake.received.at(-1)!.headers['x-api-key']).toBe(REAL_ANTHROPIC);
    const r = (await records(env.tg.core, before + 1)).at(-1)!;
    expect(r).toMatchObject({ keyId: key.id, project: 'infra', user: 'ana' });
    const spend = await env.tg.admin<{ rows: { keyId: string; model: string; costUsd: number }[] }>('spend.query', { groupBy: ['keyId', 'model'], keyId: key.id });
    expect(spend.body.data!.rows).toEqual([expect.objectContaining({ keyId: key.id, model: 'claude-sonnet-4-5' })]);
    expect(spend.body.data!.rows[0]!.costUsd).toBeCloseTo(r.costUsd!, 12);
  });

  it('work with the OpenAI SDK and a client-sent bearer', async () => {
    const { secret } = (await env.tg.admin<{ key: KeyDto; secret: string }>('keys.create', { name: 'ci', provider: 'openai', providerKey: REAL_OPENAI })).body.data!;
    const client = new OpenAI({ baseURL: `${env.tg.url}/openai/v1`, apiKey: secret, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] });
    expect(env.fake.received.at(-1)!.headers.authorization).toBe(`Bearer ${REAL_OPENAI}`);
  });

  it('never write a provider key or a wrapped secret to the data folder or the logs in plaintext', async () => {
    const { secret } = (await env.tg.admin<{ key: KeyDto; secret: string }>('keys.create', { name: 'x', provider: 'openai', providerKey: REAL_OPENAI })).body.data!;
    await new OpenAI({ baseURL: `${env.tg.url}/openai/v1`, apiKey: secret, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [] });
    await new OpenAI({ baseURL: `${env.tg.url}/openai/v1`, apiKey: 'sk-passthrough-SECRET-9999999999', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [] });
    expect(env.tg.core.flush()).toBe(true);
    const files = filesUnder(env.tg.dataDir);
    expect(files.some((f) => f.endsWith('tollgate.json'))).toBe(true);
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      for (const s of ['REALSECRET', 'SECRET-9999999999', secret]) expect(text.includes(s), `${s} in ${f}`).toBe(false);
    }
    expect(env.tg.log.lines.join('\n')).not.toMatch(/REALSECRET|SECRET-9999|tg_[A-Za-z0-9]{40}/);
    const list = JSON.stringify((await env.tg.admin('keys.list')).body);
    expect(list).not.toMatch(/REALSECRET|SECRET-9999/);
    expect(list).toContain('sk-…9999');
  });

  it('the data folder\'s secret key file and admin token are readable only by the user', () => {
    for (const name of ['secret.key', 'admin-token', 'tollgate.json']) {
      const mode = fs.statSync(path.join(env.tg.dataDir, name)).mode & 0o777;
      expect(mode.toString(8), name).toBe('600');
    }
  });

  it('survive a restart: sealed keys are unsealed with the same key file', async () => {
    const { secret } = (await env.tg.admin<{ key: KeyDto; secret: string }>('keys.create', { name: 'persist', provider: 'openai', providerKey: REAL_OPENAI })).body.data!;
    expect(env.tg.core.flush()).toBe(true);
    const again = await startTollgate({ upstream: env.fake.url, dataDir: env.tg.dataDir });
    try {
      await new OpenAI({ baseURL: `${again.url}/openai/v1`, apiKey: secret, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [] });
      expect(env.fake.received.at(-1)!.headers.authorization).toBe(`Bearer ${REAL_OPENAI}`);
    } finally {
      await again.stop();
    }
  });

  it('rejects bad key input naming the field', async () => {
    const noProvider = await env.tg.admin('keys.create', { name: 'x', provider: 'nope', providerKey: 'sk-1' });
    expect(noProvider.body.error).toMatchObject({ code: 'invalid', field: 'provider' });
    const noName = await env.tg.admin('keys.create', { provider: 'openai', providerKey: 'sk-1' });
    expect(noName.body.error?.field).toBe('name');
    const wrapped = await env.tg.admin('keys.create', { name: 'x', provider: 'openai', providerKey: 'tg_abc' });
    expect(wrapped.body.error?.field).toBe('providerKey');
    const missing = await env.tg.admin('keys.revoke', { id: 'key_nope' });
    expect(missing.status).toBe(404);
  });
});
