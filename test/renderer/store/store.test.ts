import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SpendQuery, SpendResult } from '../../../src/main/contract/api';
import { ApiError } from '../../../src/renderer/src/api/errors';
import { createDashboard, type Dashboard } from '../../../src/renderer/src/store/store';
import { createFakeTransport, type FakeTransport } from '../support/fake-transport';
import { budgetStatus, key, PROVIDERS, record, row, settings, status, T0 } from '../support/fixtures';

function spendAnswer(q: SpendQuery): SpendResult {
  const dim = q.groupBy?.[1] as 'keyId' | 'model';
  const r = row({ day: '2026-11-28', [dim]: dim === 'keyId' ? 'key_a' : 'gpt-4o-mini', costUsd: 1, requests: 1 });
  return { from: q.from ?? null, to: q.to ?? null, rows: [r], totals: r };
}

function core(over: Partial<Parameters<typeof createFakeTransport>[0]> = {}) {
  return createFakeTransport({
    'status.get': () => status(),
    'settings.get': () => settings(),
    'keys.list': () => [key('key_a')],
    'providers.list': () => PROVIDERS,
    'spend.query': spendAnswer,
    'requests.recent': () => [],
    'alerts.recent': () => [],
    ...over,
  });
}

const count = (t: FakeTransport, channel: string) => t.calls.filter((c) => c.channel === channel).length;

describe('dashboard store', () => {
  let d: Dashboard;
  let t: FakeTransport;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    d?.actions.stop();
    vi.useRealTimers();
  });

  const start = async (transport: FakeTransport, opts = {}) => {
    t = transport;
    d = createDashboard(t, { flushMs: 250, toastMs: 5000, ...opts });
    d.actions.start();
    await vi.advanceTimersByTimeAsync(0);
    return d.store.getState();
  };

  it('loads every resource, and says in words what is not available', async () => {
    const s = await start(core());
    expect(s.connection).toBe('live');
    expect(s.status.data?.url).toBe('http://127.0.0.1:4848');
    expect(s.keys.data).toHaveLength(1);
    expect(s.spend.data?.byKey.get('2026-11-28')?.get('key_a')?.costUsd).toBe(1);
    expect(s.recent.data).toEqual([]);
    // No budget engine in this core: the error is kept, in words, instead of a blank view.
    expect(s.budgets.data).toBeNull();
    expect(s.budgets.error).toMatch(/not available/);
    // The window covers the month and the week before it, in the core's zone.
    const q = t.calls.find((c) => c.channel === 'spend.query')!.input as SpendQuery;
    expect(q).toMatchObject({ from: '2026-11-01', to: '2026-11-30' });
  });

  it('applies a burst of recorded requests in one update', async () => {
    await start(core());
    let updates = 0;
    d.store.subscribe(() => updates++);
    for (let i = 0; i < 20; i++) t.emit('request.recorded', record({ ts: T0 + i, keyId: 'key_a', model: 'gpt-4o-mini', costUsd: 0.5 }));
    expect(d.store.getState().recent.data).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(250);
    const s = d.store.getState();
    expect(updates).toBe(1);
    expect(s.recent.data).toHaveLength(20);
    expect(s.recent.data![0]!.ts).toBe(T0 + 19);
    expect(s.spend.data!.byKey.get('2026-11-28')!.get('key_a')).toMatchObject({ costUsd: 11, requests: 21 });
    expect(s.spend.data!.byModel.get('2026-11-28')!.get('gpt-4o-mini')!.costUsd).toBe(11);
  });

  it('asks again rather than double-count requests recorded while the spend query ran', async () => {
    const held: (() => void)[] = [];
    const transport = core();
    await start(transport);
    const before = count(t, 'spend.query');
    transport.handlers['spend.query'] = (q) => new Promise((resolve) => held.push(() => resolve(spendAnswer(q))));
    const pending = d.actions.refreshSpend();
    t.emit('request.recorded', record({ keyId: 'key_a', costUsd: 5 }));
    await vi.advanceTimersByTimeAsync(250);
    for (const release of held) release();
    await pending;
    // The event was not added on top of an answer that may already include it...
    expect(d.store.getState().spend.data!.byKey.get('2026-11-28')!.get('key_a')!.costUsd).toBe(1);
    transport.handlers['spend.query'] = spendAnswer;
    await vi.advanceTimersByTimeAsync(1000);
    // ...and the figures were fetched once more.
    expect(count(t, 'spend.query')).toBe(before + 2 + 2);
  });

  it('fetches names for keys seen for the first time', async () => {
    await start(core());
    const before = count(t, 'keys.list');
    t.emit('request.recorded', record({ keyId: 'fp_new' }));
    await vi.advanceTimersByTimeAsync(800);
    expect(count(t, 'keys.list')).toBe(before + 1);
  });

  it('shows a budget alert as a notice and a toast that goes away', async () => {
    await start(core());
    t.emit('budget.alert', {
      id: 'b_1:2026-11:50',
      kind: 'threshold',
      budgetId: 'b_1',
      budgetName: 'Claude Code',
      tier: 50,
      spentUsd: 31,
      limitUsd: 60,
      spentTokens: null,
      limitTokens: null,
      periodKey: '2026-11',
      resetsAt: null,
      title: 'Claude Code budget at 50%: $31.00 of $60.00',
      body: 'Requests will be blocked at $72.00.',
      at: T0,
    });
    expect(d.store.getState().alerts.data![0]!.tier).toBe(50);
    expect(d.store.getState().toasts.map((x) => x.title)).toEqual(['Claude Code budget at 50%: $31.00 of $60.00']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(d.store.getState().toasts).toEqual([]);
  });

  it('takes budget statuses as pushed, and re-reads settings when the status changes (tray toggles)', async () => {
    await start(core());
    t.emit('budgets.changed', [budgetStatus()]);
    expect(d.store.getState().budgets).toMatchObject({ data: [{ percent: 52 }], error: null });
    const before = count(t, 'settings.get');
    t.emit('status.changed', status({ paused: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(d.store.getState().status.data!.paused).toBe(true);
    expect(count(t, 'settings.get')).toBe(before + 1);
  });

  it('polls when the transport has no push channel', async () => {
    await start(createFakeTransport(core().handlers, { kind: 'ipc', connection: 'polling' }), { pollMs: 3000 });
    const before = count(t, 'requests.recent');
    await vi.advanceTimersByTimeAsync(3000);
    expect(count(t, 'requests.recent')).toBe(before + 1);
    expect(d.store.getState().connection).toBe('polling');
  });

  it('reloads everything after a reconnect', async () => {
    await start(core());
    const before = count(t, 'status.get');
    t.setConnection('reconnecting');
    t.setConnection('live');
    await vi.advanceTimersByTimeAsync(0);
    expect(count(t, 'status.get')).toBe(before + 1);
  });

  it('keeps live requests to those matching the activity filter', async () => {
    await start(core());
    await d.actions.loadRecent({ model: 'o3' });
    t.emit('request.recorded', record({ model: 'gpt-4o' }));
    t.emit('request.recorded', record({ model: 'o3' }));
    await vi.advanceTimersByTimeAsync(250);
    expect(d.store.getState().recent.data!.map((r) => r.model)).toEqual(['o3']);
    expect(t.calls.at(-1)).toBeDefined();
    expect(t.calls.find((c) => c.channel === 'requests.recent' && (c.input as { model?: string }).model === 'o3')).toBeDefined();
  });

  it('hands form errors back with their field', async () => {
    await start(
      core({
        'budgets.create': () => {
          throw new Error('period.billingDay: must be at most 28');
        },
      }),
    );
    const err = await d.actions
      .saveBudget({ name: 'x', scope: {}, period: { kind: 'month', billingDay: 30 }, limitUsd: 5, limitTokens: null })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).field).toBe('period.billingDay');
  });

  it('creates a key and lists it', async () => {
    const keys = [key('key_a')];
    await start(
      core({
        'keys.list': () => keys,
        'keys.create': (input) => {
          const k = key('key_b', { name: input.name });
          keys.push(k);
          return { key: k, secret: 'tg_secret' };
        },
      }),
    );
    const r = await d.actions.createKey({ name: 'Codex', provider: 'openai', providerKey: 'sk-x' });
    expect(r.secret).toBe('tg_secret');
    expect(d.store.getState().keys.data!.map((k) => k.name)).toEqual(['Key key_a', 'Codex']);
  });

  it('marks the page signed out when the transport says so', async () => {
    await start(core());
    t.setConnection('signed-out');
    expect(d.store.getState().connection).toBe('signed-out');
  });
});
