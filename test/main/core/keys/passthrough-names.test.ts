import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { KeyDto } from '../../../../src/main/contract/keys.js';
import { startTollgate, useProxyFixture } from '../../../support/harness.js';

const env = useProxyFixture();

async function seenKey(url: string, apiKey: string): Promise<void> {
  await new OpenAI({ baseURL: `${url}/openai/v1`, apiKey, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [] });
}

describe('keys seen in passthrough can be named', () => {
  it('a name set on an fp_ key shows in the list and survives a restart; null clears it', async () => {
    await seenKey(env.tg.url, 'sk-laptop-0123456789abcdef');
    const list = (await env.tg.admin<KeyDto[]>('keys.list')).body.data!;
    const fp = list.find((k) => k.kind === 'passthrough' && k.label.endsWith('cdef'))!;
    expect(fp.id).toMatch(/^fp_/);
    expect(fp.name).toBeNull();

    const named = await env.tg.admin<KeyDto>('keys.update', { id: fp.id, name: '  Laptop OpenAI key ' });
    expect(named.status).toBe(200);
    expect(named.body.data).toMatchObject({ id: fp.id, kind: 'passthrough', name: 'Laptop OpenAI key' });

    expect(env.tg.core.flush()).toBe(true);
    const again = await startTollgate({ upstream: env.fake.url, dataDir: env.tg.dataDir });
    try {
      const after = (await again.admin<KeyDto[]>('keys.list')).body.data!.find((k) => k.id === fp.id);
      expect(after?.name).toBe('Laptop OpenAI key');
    } finally {
      await again.stop();
    }

    const cleared = await env.tg.admin<KeyDto>('keys.update', { id: fp.id, name: null });
    expect(cleared.body.data?.name).toBeNull();
  });

  it('refuses a project or owner for a passthrough key, unknown fingerprints, and an unnamed Tollgate key', async () => {
    await seenKey(env.tg.url, 'sk-desktop-0123456789abcdef');
    const fp = (await env.tg.admin<KeyDto[]>('keys.list')).body.data!.find((k) => k.kind === 'passthrough')!;
    const project = await env.tg.admin('keys.update', { id: fp.id, project: 'x' });
    expect(project.body.error).toMatchObject({ code: 'invalid', field: 'project' });
    const unknown = await env.tg.admin('keys.update', { id: 'fp_0000000000000000', name: 'x' });
    expect(unknown.status).toBe(404);
    const { key } = (await env.tg.admin<{ key: KeyDto }>('keys.create', { name: 'ci', provider: 'openai', providerKey: 'sk-real-0123456789' })).body.data!;
    const blank = await env.tg.admin('keys.update', { id: key.id, name: '' });
    expect(blank.body.error).toMatchObject({ code: 'invalid', field: 'name' });
    const kept = (await env.tg.admin<KeyDto[]>('keys.list')).body.data!.find((k) => k.id === key.id);
    expect(kept?.name).toBe('ci');
  });
});
