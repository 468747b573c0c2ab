import { beforeEach, describe, expect, it } from 'vitest';
import { useProxyFixture } from '../../../support/harness.js';
import { records } from '../../../support/wait.js';

const env = useProxyFixture();
beforeEach(() => {
  env.fake.received.length = 0;
});

const call = (path: string, init: RequestInit = {}) =>
  fetch(`${env.tg.url}${path}`, { ...init, headers: { authorization: 'Bearer sk-proj-pausetest0000000001', ...(init.headers as Record<string, string>) } });

describe('Pause all AI traffic', () => {
  it('blocks unmetered provider routes too (model lists, a WebSocket-style GET), and none reaches the upstream', async () => {
    await env.tg.admin('settings.update', { paused: true });
    try {
      const before = (await records(env.tg.core, 0)).length;
      for (const path of ['/openai/v1/models', '/openai/v1/responses', '/anthropic/v1/models']) {
        const res = await call(path);
        expect(res.status, path).toBe(402);
        expect(res.headers.get('x-should-retry')).toBe('false');
        expect(res.headers.get('x-tollgate-blocked')).toBe('paused');
        expect(JSON.stringify(await res.json())).toMatch(/paused all AI traffic/);
      }
      expect(env.fake.received).toHaveLength(0);
      // Unmetered calls are never recorded, blocked or not.
      expect(await records(env.tg.core, 0)).toHaveLength(before);
    } finally {
      await env.tg.admin('settings.update', { paused: false });
    }
    const res = await call('/openai/v1/models');
    expect(res.status).toBe(200);
    expect(env.fake.received).toHaveLength(1);
  });

  it('blocks metered calls and records each as blocked', async () => {
    await env.tg.admin('settings.update', { paused: true });
    try {
      const before = (await records(env.tg.core, 0)).length;
      const res = await call('/openai/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [] }), headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(402);
      const r = (await records(env.tg.core, before + 1)).at(-1)!;
      expect(r.flags).toContain('blocked');
      expect(env.fake.received).toHaveLength(0);
    } finally {
      await env.tg.admin('settings.update', { paused: false });
    }
  });
});
