import { describe, expect, it } from 'vitest';
import { useProxyFixture } from '../../../support/harness.js';
import { records } from '../../../support/wait.js';

const env = useProxyFixture();

describe('admin API', () => {
  it('refuses requests without the right token', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${env.tg.core.adminToken}x` }] as Record<string, string>[]) {
      const res = await fetch(`${env.tg.url}/api/status.get`, { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    const ok = await fetch(`${env.tg.url}/api/status.get`, { headers: { authorization: `Bearer ${env.tg.core.adminToken}` } });
    expect(ok.status).toBe(200);
    const status = ((await ok.json()) as { data: { priceCorrections: { id: string; url: string }[] } }).data;
    expect(status.priceCorrections.map((c) => c.id)).toEqual(['claude-sonnet-4-long-context']);
  });

  it('answers spend by key, model, project and day', async () => {
    const send = (project: string, model: string) =>
      fetch(`${env.tg.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-spend-000000000001', 'content-type': 'application/json', 'x-tollgate-project': project },
        body: JSON.stringify({ model, messages: [] }),
      });
    await send('a', 'gpt-4o-mini');
    await send('a', 'gpt-4o');
    await send('b', 'gpt-4o');
    await records(env.tg.core, 3);
    const byProject = await env.tg.admin<{ rows: { project: string; requests: number; costUsd: number }[]; totals: { requests: number; costUsd: number } }>('spend.query', {
      groupBy: ['project'],
    });
    const rows = byProject.body.data!.rows.sort((x, y) => x.project.localeCompare(y.project));
    expect(rows.map((r) => [r.project, r.requests])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(byProject.body.data!.totals.requests).toBe(3);
    expect(byProject.body.data!.totals.costUsd).toBeCloseTo(rows[0]!.costUsd + rows[1]!.costUsd, 12);
    const byDayModel = await env.tg.admin<{ rows: { day: string; model: string }[] }>('spend.query', { groupBy: ['day', 'model'], model: 'gpt-4o' });
    expect(byDayModel.body.data!.rows).toHaveLength(1);
    expect(byDayModel.body.data!.rows[0]!.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const recent = await env.tg.admin<unknown[]>('requests.recent', { limit: 2 });
    expect(recent.body.data).toHaveLength(2);
  });

  it('validates input and names the field', async () => {
    const cases: [string, unknown, string][] = [
      ['spend.query', { groupBy: ['nope'] }, 'groupBy[0]'],
      ['spend.query', { from: '2026-13', to: '2026-01-01' }, 'from'],
      ['requests.recent', { limit: -1 }, 'limit'],
      ['settings.update', { timezone: 'Mars/Olympus' }, 'timezone'],
      ['settings.update', { recentLimit: 'many' }, 'recentLimit'],
      ['settings.update', { priceOverrides: [{ model: 'x', inputPerMTok: -1, outputPerMTok: 1 }] }, 'priceOverrides[0].inputPerMTok'],
      ['settings.update', { nonsense: true }, 'nonsense'],
      ['prices.lookup', { provider: 'openai' }, 'model'],
    ];
    for (const [channel, input, field] of cases) {
      const r = await env.tg.admin(channel, input);
      expect(r.status, channel).toBe(400);
      expect(r.body.error?.field, `${channel} ${JSON.stringify(input)}`).toBe(field);
      expect(r.body.error?.message).toContain(field);
    }
    const bad = await fetch(`${env.tg.url}/api/settings.update`, { method: 'POST', headers: { authorization: `Bearer ${env.tg.core.adminToken}` }, body: '{oops' });
    expect(bad.status).toBe(400);
    const unknown = await env.tg.admin('nope.nope');
    expect(unknown.status).toBe(404);
  });

  it('keeps the last good settings when an update is invalid', async () => {
    await env.tg.admin('settings.update', { timezone: 'Europe/Berlin' });
    await env.tg.admin('settings.update', { timezone: 'Europe/Berlin', recentLimit: -5 });
    const s = await env.tg.admin<{ timezone: string; recentLimit: number }>('settings.get');
    expect(s.body.data).toMatchObject({ timezone: 'Europe/Berlin', recentLimit: 500 });
  });

  it('looks up prices per million tokens, and applies overrides', async () => {
    const p = await env.tg.admin<{ priced: boolean; inputPerMTok: number; outputPerMTok: number; cacheReadPerMTok: number; cacheWrite1hPerMTok: number }>('prices.lookup', {
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
    });
    expect(p.body.data).toMatchObject({ priced: true });
    expect(p.body.data!.inputPerMTok).toBeCloseTo(3, 9);
    expect(p.body.data!.outputPerMTok).toBeCloseTo(15, 9);
    expect(p.body.data!.cacheReadPerMTok).toBeCloseTo(0.3, 9);
    expect(p.body.data!.cacheWrite1hPerMTok).toBeCloseTo(6, 9);
    await env.tg.admin('settings.update', { priceOverrides: [{ provider: 'openai', model: 'my-finetune', inputPerMTok: 4, outputPerMTok: 8 }] });
    const o = await env.tg.admin<{ priced: boolean; source: string; outputPerMTok: number }>('prices.lookup', { provider: 'openai', model: 'my-finetune' });
    expect(o.body.data).toMatchObject({ priced: true, source: 'override', outputPerMTok: 8 });
    const u = await env.tg.admin<{ priced: boolean }>('prices.lookup', { provider: 'openai', model: 'who-knows' });
    expect(u.body.data!.priced).toBe(false);
  });

  it('streams events as SSE', async () => {
    const ctl = new AbortController();
    const res = await fetch(`${env.tg.url}/api/events`, { headers: { authorization: `Bearer ${env.tg.core.adminToken}` }, signal: ctl.signal });
    const reader = res.body!.getReader();
    await fetch(`${env.tg.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-events', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [] }),
    });
    let text = '';
    while (!text.includes('event: request.recorded')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/"model":"gpt-4o-mini"/);
    ctl.abort();
  });
});
