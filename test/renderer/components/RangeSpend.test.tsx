import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SpendQuery } from '../../../src/main/contract/api';
import { RangeSpend } from '../../../src/renderer/src/components/RangeSpend';
import { createFakeTransport } from '../support/fake-transport';
import { PROVIDERS, settings, status, T0 } from '../support/fixtures';
import { renderWithStore } from '../support/render';

let done: (() => void) | null = null;
afterEach(() => {
  done?.();
  cleanup();
  vi.restoreAllMocks();
});

const totals = (costUsd: number, requests: number) => ({
  requests,
  errors: 0,
  partial: 0,
  unpricedRequests: 0,
  inputTokens: 1000,
  cacheReadTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  outputTokens: 200,
  reasoningTokens: 0,
  costUsd,
});

function core() {
  return createFakeTransport({
    'status.get': () => status(),
    'settings.get': () => settings(),
    'keys.list': () => [],
    'providers.list': () => PROVIDERS,
    'requests.recent': () => [],
    // October costs 12.5, anything else 3.
    'spend.query': (q: SpendQuery) => ({ from: q.from ?? null, to: q.to ?? null, rows: [], totals: q.from === '2026-10-01' ? totals(12.5, 40) : totals(3, 7) }),
    'export.rollups': (r) => ({ filename: `tollgate-rollups-${r.from}-to-${r.to}.csv`, csv: 'day\r\n', rows: 0, missing: 0, note: null }),
  });
}

describe('spend in a range, with export', () => {
  it('queries the picked range, and exports exactly that range', async () => {
    URL.createObjectURL = vi.fn(() => 'blob:test');
    URL.revokeObjectURL = vi.fn();
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const t = core();
    done = (await renderWithStore(<RangeSpend />, t, T0)).unmount;
    expect(await screen.findByText('$3.00')).toBeTruthy();
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('Range'), 'last-month');
    expect(await screen.findByText('$12.50')).toBeTruthy();
    expect(screen.getByText(/40/)).toBeTruthy();
    expect(t.calls.filter((c) => c.channel === 'spend.query').at(-1)!.input).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    await user.click(screen.getByRole('button', { name: 'Export daily totals (CSV)' }));
    expect(await screen.findByText('tollgate-rollups-2026-10-01-to-2026-10-31.csv')).toBeTruthy();
    expect(t.calls.find((c) => c.channel === 'export.rollups')!.input).toEqual({ from: '2026-10-01', to: '2026-10-31' });
  });

  it('names a backwards range on its field and exports nothing', async () => {
    const t = core();
    done = (await renderWithStore(<RangeSpend />, t, T0)).unmount;
    const to = screen.getByLabelText('To') as HTMLInputElement;
    const user = userEvent.setup();
    await user.clear(to);
    await user.type(to, '2026-10-15');
    expect(await screen.findByText('The end is before the start.')).toBeTruthy();
    expect(to.getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect((screen.getByRole('button', { name: 'Export requests (CSV)' }) as HTMLButtonElement).disabled).toBe(true));
    expect((screen.getByLabelText('Range') as HTMLSelectElement).value).toBe('custom');
  });
});
