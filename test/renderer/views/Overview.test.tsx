import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SpendQuery, SpendRowDto } from '../../../src/main/contract/api';
import { Overview } from '../../../src/renderer/src/views/Overview';
import { createFakeTransport } from '../support/fake-transport';
import { budgetStatus, key, PROVIDERS, record, row, settings, status, T0 } from '../support/fixtures';
import { renderWithStore, settle } from '../support/render';

let done: (() => void) | null = null;
afterEach(() => {
  done?.();
  done = null;
  cleanup();
});

function transport(rows: { byKey: SpendRowDto[]; byModel: SpendRowDto[] }, extra: Parameters<typeof createFakeTransport>[0] = {}) {
  return createFakeTransport({
    'status.get': () => status(),
    'settings.get': () => settings(),
    'keys.list': () => [key('key_a', { name: 'Claude Code', provider: 'anthropic' })],
    'providers.list': () => PROVIDERS,
    'spend.query': (q: SpendQuery) => {
      const r = q.groupBy?.includes('keyId') ? rows.byKey : rows.byModel;
      return { from: q.from ?? null, to: q.to ?? null, rows: r, totals: r[0] ?? row({ costUsd: 0, requests: 0 }) };
    },
    'requests.recent': () => [],
    'alerts.recent': () => [],
    ...extra,
  });
}

describe('overview', () => {
  it('on first run, explains how to route a tool through Tollgate, with copyable snippets', async () => {
    const t = transport({ byKey: [], byModel: [] }, { 'keys.list': () => [] });
    done = (await renderWithStore(<Overview />, t, T0)).unmount;
    const welcome = screen.getByRole('region', { name: 'Route a tool through Tollgate' });
    expect(within(welcome).getByText('export ANTHROPIC_BASE_URL=http://127.0.0.1:4848/anthropic')).toBeTruthy();
    expect(within(welcome).getAllByRole('button', { name: 'Copy' }).length).toBeGreaterThan(0);
    expect(within(welcome).getByRole('tab', { name: 'Codex CLI' })).toBeTruthy();
    expect(screen.getByText('Budgets are not available: Budgets.list is not available in this build yet.', { exact: false })).toBeTruthy();
  });

  it('shows spend per key and per model as money, and follows live requests', async () => {
    const t = transport({
      byKey: [row({ day: '2026-11-28', keyId: 'key_a', costUsd: 1.5, requests: 3 })],
      byModel: [row({ day: '2026-11-28', model: 'claude-sonnet-4-5', costUsd: 1.5, requests: 3 })],
    });
    done = (await renderWithStore(<Overview />, t, T0)).unmount;
    const byKey = screen.getByRole('table', { name: 'Spend by key' });
    const keyRow = within(byKey).getByRole('row', { name: /Claude Code/ });
    expect(within(keyRow).getAllByRole('cell')[0]!.textContent).toBe('$1.50');
    expect(screen.queryByRole('region', { name: 'Route a tool through Tollgate' })).toBeNull();

    t.emit('request.recorded', record({ ts: T0 + 1000, keyId: 'key_a', model: 'claude-sonnet-4-5', costUsd: 0.25, provider: 'anthropic' }));
    t.emit('request.recorded', record({ ts: T0 + 2000, keyId: 'key_a', model: 'claude-haiku-4-5', costUsd: null, provider: 'anthropic' }));
    await settle();
    expect(within(keyRow).getAllByRole('cell')[0]!.textContent).toBe('$1.75');
    expect(within(keyRow).getByText('1 unpriced')).toBeTruthy();
    const byModel = screen.getByRole('table', { name: 'Spend by model' });
    expect(within(byModel).getByRole('row', { name: /claude-haiku-4-5/ })).toBeTruthy();
  });

  it('draws every budget with its marks, and lists notices', async () => {
    const t = transport(
      { byKey: [], byModel: [] },
      {
        'budgets.list': () => [budgetStatus(), budgetStatus({ percent: 85, state: 'warning', spentUsd: 85, effectiveLimitUsd: 100 }, { id: 'b_2', name: 'Team' })],
        'alerts.recent': () => [
          {
            id: 'a1',
            kind: 'threshold',
            budgetId: 'b_2',
            budgetName: 'Team',
            tier: 80,
            spentUsd: 85,
            limitUsd: 100,
            spentTokens: null,
            limitTokens: null,
            periodKey: '2026-11',
            resetsAt: null,
            title: 'Team budget at 80%: $85.00 of $100.00',
            body: 'Requests will be blocked at $120.00.',
            at: T0,
          },
        ],
      },
    );
    done = (await renderWithStore(<Overview />, t, T0)).unmount;
    const meters = screen.getAllByRole('meter');
    expect(meters.map((m) => m.getAttribute('aria-label'))).toEqual(['Claude Code: 52% used', 'Team: 85% used']);
    expect(screen.getByText('past 80%')).toBeTruthy();
    expect(screen.getByText('Team budget at 80%: $85.00 of $100.00')).toBeTruthy();
  });

  it('after a few hours of use: the forecast says "since first use", is marked low confidence, and each budget says when it reaches its limit', async () => {
    // T0 is Nov 28 12:00 UTC: $13 today, the first day with spend.
    const t = transport(
      { byKey: [row({ day: '2026-11-28', keyId: 'key_a', costUsd: 13, requests: 400 })], byModel: [row({ day: '2026-11-28', model: 'claude-sonnet-4-5', costUsd: 13, requests: 400 })] },
      { 'budgets.list': () => [budgetStatus({ spentUsd: 13, effectiveLimitUsd: 25, periodStart: Date.UTC(2026, 10, 1), resetsAt: Date.UTC(2026, 11, 1) }, { name: 'Team monthly' })] },
    );
    done = (await renderWithStore(<Overview />, t, T0)).unmount;
    const totals = screen.getByRole('region', { name: 'Totals' });
    expect(within(totals).getByText('low confidence')).toBeTruthy();
    expect(within(totals).getByText('by Nov 30, at the rate since first use (Nov 28): under 3 whole days of data')).toBeTruthy();
    // $13 in half a day = $26/day, for 2.5 days more.
    expect(within(totals).getByText('$78.00')).toBeTruthy();
    // The budget from first use (midnight): $13 in 12 h, $12 more in 11 h 4 min.
    expect(screen.getByText('At this rate Team monthly reaches $25.00 on Nov 28.')).toBeTruthy();
  });

  it('shows what prompt caching saved this month, priced by the core\'s price lookup', async () => {
    const cached = [
      row({ day: '2026-11-28', provider: 'anthropic', model: 'claude-sonnet-4-5', costUsd: 5, cacheReadTokens: 3_000_000 }),
      row({ day: '2026-11-28', provider: 'openai', model: 'gpt-4o', costUsd: 1, cacheReadTokens: 500_000 }),
    ];
    const t = transport(
      { byKey: [], byModel: cached },
      {
        'prices.lookup': ({ model }) => ({
          priced: true,
          pricedModel: model,
          source: 'test',
          inputPerMTok: model === 'gpt-4o' ? 2.5 : 3,
          outputPerMTok: 10,
          cacheReadPerMTok: model === 'gpt-4o' ? 1.25 : 0.3,
          cacheWrite5mPerMTok: null,
          cacheWrite1hPerMTok: null,
        }),
      },
    );
    done = (await renderWithStore(<Overview />, t, T0)).unmount;
    await settle();
    const stat = screen.getByText('Cache savings').parentElement!;
    expect(within(stat).getByText('$8.73')).toBeTruthy();
    expect(within(stat).getByText('3.5M tokens read from cache this month')).toBeTruthy();
    expect(t.calls.find((c) => c.channel === 'spend.query' && JSON.stringify(c.input).includes('provider'))?.input).toEqual({ from: '2026-11-01', to: '2026-11-28', groupBy: ['provider', 'model'] });
  });

  it('stays quick with 50 keys × 100 models', async () => {
    const days = Array.from({ length: 28 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`);
    const byKey = days.flatMap((day) => Array.from({ length: 50 }, (_, k) => row({ day, keyId: `key_${k}`, costUsd: (k + 1) / 100, requests: 100 })));
    const byModel = days.flatMap((day) => Array.from({ length: 100 }, (_, m) => row({ day, model: `model-${m}`, costUsd: (m + 1) / 200, requests: 50 })));
    const keys = Array.from({ length: 50 }, (_, k) => key(`key_${k}`));
    const t = transport({ byKey, byModel }, { 'keys.list': () => keys });
    const started = performance.now();
    done = (await renderWithStore(<Overview />, t, T0)).unmount;
    const firstRender = performance.now() - started;
    expect(within(screen.getByRole('table', { name: 'Spend by model' })).getAllByRole('row')).toHaveLength(101);

    // A burst: 500 requests spread over every key and model, applied as one batch.
    const burst = performance.now();
    for (let i = 0; i < 500; i++) t.emit('request.recorded', record({ ts: T0 + i, keyId: `key_${i % 50}`, model: `model-${i % 100}`, costUsd: 0.01 }));
    await settle(15);
    const update = performance.now() - burst;
    console.log(`overview, 50 keys × 100 models × 28 days in jsdom: first render ${firstRender.toFixed(0)} ms, 500-request burst ${update.toFixed(0)} ms`);
    // jsdom is several times slower than a browser; these bounds catch an accidental O(n²), not a frame budget.
    expect(firstRender).toBeLessThan(5000);
    expect(update).toBeLessThan(2000);
    const row0 = within(screen.getByRole('table', { name: 'Spend by key' })).getByRole('row', { name: /Key key_49/ });
    // $0.50/day × 28 days = $14 + the burst's 10 × $0.01.
    expect(within(row0).getAllByRole('cell')[1]!.textContent).toBe('$14.10');
  });
});
