import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecentQuery } from '../../../src/main/contract/api';
import { Activity } from '../../../src/renderer/src/views/Activity';
import { createFakeTransport } from '../support/fake-transport';
import { key, PROVIDERS, record, settings, status, T0 } from '../support/fixtures';
import { renderWithStore, settle } from '../support/render';

let done: (() => void) | null = null;
afterEach(() => {
  done?.();
  cleanup();
});

describe('activity', () => {
  const records = [
    record({ ts: T0 - 3000, keyId: 'key_a', model: 'gpt-4o', flags: ['blocked'], status: 429, costUsd: null, note: 'Budget "Team" is hard-stopped' }),
    record({ ts: T0 - 2000, keyId: 'key_a', model: 'gpt-4o-mini', flags: ['partial', 'estimated'] }),
    record({ ts: T0 - 1000, keyId: 'key_a', model: 'mystery-1', flags: ['unpriced'], costUsd: null }),
  ];
  const t = () =>
    createFakeTransport({
      'status.get': () => status(),
      'settings.get': () => settings({ recentLimit: 500 }),
      'keys.list': () => [key('key_a', { name: 'Claude Code' })],
      'providers.list': () => PROVIDERS,
      'requests.recent': (q: RecentQuery) => records.filter((r) => !q.flag || r.flags.includes(q.flag as never)).sort((a, b) => b.ts - a.ts),
      'audit.list': () => [{ id: 'au1', at: T0, kind: 'block', budgetId: 'b_1', requestId: records[0]!.id, message: 'Blocked gpt-4o on Claude Code: Team at 121%' }],
    });

  it('lists recent requests with their marks, newest first, and adds live ones', async () => {
    const transport = t();
    done = (await renderWithStore(<Activity />, transport, T0)).unmount;
    const table = screen.getByRole('table', { name: 'Recent requests' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByText(/gpt-4o|mystery/).textContent)).toEqual(['mystery-1', 'gpt-4o-mini', 'gpt-4o']);
    expect(within(rows[2]!).getByText('blocked').className).toContain('badge-bad');
    expect(within(rows[2]!).getByText('429')).toBeTruthy();
    expect(within(rows[1]!).getByText('partial')).toBeTruthy();
    expect(within(rows[0]!).getByText('unpriced', { selector: '.muted' })).toBeTruthy();
    expect(screen.getByText('Blocked gpt-4o on Claude Code: Team at 121%')).toBeTruthy();
    expect(screen.getByText(/latest 500 requests are kept in full/)).toBeTruthy();

    transport.emit('request.recorded', record({ ts: T0, keyId: 'key_a', model: 'o3', flags: ['degraded'] }));
    await settle();
    const first = within(table).getAllByRole('row')[1]!;
    expect(within(first).getByText('o3')).toBeTruthy();
    expect(within(first).getByText('degraded')).toBeTruthy();
  });

  it('filters by mark through the core', async () => {
    const transport = t();
    done = (await renderWithStore(<Activity />, transport, T0)).unmount;
    await userEvent.setup().selectOptions(screen.getByLabelText('Marked'), 'blocked');
    await settle();
    expect(transport.calls.at(-1)).toMatchObject({ channel: 'requests.recent', input: { flag: 'blocked', limit: 200 } });
    const rows = within(screen.getByRole('table', { name: 'Recent requests' })).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
  });

  it('opens a request in full from its time, with the stored error reason', async () => {
    const failed = record({ ts: T0 - 500, keyId: 'key_a', model: 'gpt-4o', status: 502, flags: ['error'], project: 'billing', user: 'ana', run: 'run-42', note: 'ECONNRESET' });
    const transport = createFakeTransport({ ...t().handlers, 'requests.recent': () => [failed] });
    done = (await renderWithStore(<Activity />, transport, T0)).unmount;
    expect(screen.queryByRole('region', { name: 'Request details' })).toBeNull();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Details of the request at 11:59:59' }));
    const panel = screen.getByRole('region', { name: 'Request details' });
    const value = (label: string) => within(panel).getByText(label, { selector: 'dt' }).nextElementSibling!.textContent;
    expect([value('Project'), value('User'), value('Run'), value('Status'), value('Error'), value('Price entry')]).toEqual(['billing', 'ana', 'run-42', '502 · error', 'ECONNRESET', 'gpt-4o-mini (test)']);
    expect(document.activeElement).toBe(panel);
    await userEvent.setup().click(within(panel).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('region', { name: 'Request details' })).toBeNull();
  });
});
