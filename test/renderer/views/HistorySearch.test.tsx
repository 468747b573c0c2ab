import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryExportInput, HistorySearchInput } from '../../../src/main/contract/api';
import { HistorySearch } from '../../../src/renderer/src/views/HistorySearch';
import { createFakeTransport } from '../support/fake-transport';
import { key, PROVIDERS, record, settings, status, T0 } from '../support/fixtures';
import { renderWithStore } from '../support/render';

let done: (() => void) | null = null;
afterEach(() => {
  done?.();
  cleanup();
});

describe('history search', () => {
  const all = Array.from({ length: 5 }, (_, i) => record({ ts: T0 - i * 1000, keyId: 'key_a', model: `model-${i}`, project: 'nightly', run: 'r1', costUsd: (i + 1) / 10 }));

  it('searches with the filters, dearest first, and pages with the cursor it was given', async () => {
    const seen: HistorySearchInput[] = [];
    const transport = createFakeTransport(
      {
        'status.get': () => status(),
        'settings.get': () => settings(),
        'keys.list': () => [key('key_a', { name: 'Agent' })],
        'providers.list': () => PROVIDERS,
        'history.search': (q: HistorySearchInput) => {
          seen.push(q);
          const sorted = [...all].sort((a, b) => (q.sort === 'cost' ? b.costUsd! - a.costUsd! : b.ts - a.ts));
          return q.cursor ? { records: sorted.slice(3), next: null } : { records: sorted.slice(0, 3), next: 'c3' };
        },
      },
      { kind: 'http' },
    );
    done = (await renderWithStore(<HistorySearch />, transport, T0)).unmount;
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Run'), 'r1');
    await user.type(screen.getByLabelText('Min cost ($)'), '0.05');
    await user.selectOptions(screen.getByLabelText('Order'), 'cost');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(seen[0]).toMatchObject({ run: 'r1', minCostUsd: 0.05, sort: 'cost', limit: 100 });
    expect(seen[0]!.cursor).toBeUndefined();
    const table = await screen.findByRole('table', { name: 'Requests in the history' });
    expect(within(table).getAllByRole('row').slice(1).map((r) => within(r).getByText(/model-/).textContent)).toEqual(['model-4', 'model-3', 'model-2']);
    await user.click(screen.getByRole('button', { name: 'More' }));
    expect(seen[1]).toMatchObject({ cursor: 'c3', sort: 'cost' });
    const rows = within(await screen.findByRole('table', { name: 'Requests in the history' })).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(5);
    expect(screen.queryByRole('button', { name: 'More' })).toBeNull();
    expect(screen.getByRole('link', { name: 'CSV' }).getAttribute('href')).toBe('/api/history/export?format=csv');
  });

  it('in the app, saves the range to a file through history.saveExport instead of a download link', async () => {
    const asked: HistoryExportInput[] = [];
    const transport = createFakeTransport(
      {
        'status.get': () => status(),
        'settings.get': () => settings(),
        'keys.list': () => [key('key_a', { name: 'Agent' })],
        'providers.list': () => PROVIDERS,
        'history.saveExport': (input: HistoryExportInput) => {
          asked.push(input);
          return asked.length === 1 ? { file: '/home/ana/Downloads/range.csv', rows: 1234, bytes: 98765 } : { file: null, rows: 0, bytes: 0 };
        },
      },
      { kind: 'ipc' },
    );
    done = (await renderWithStore(<HistorySearch />, transport, T0)).unmount;
    const user = userEvent.setup();
    expect(screen.queryByRole('link', { name: 'CSV' })).toBeNull();
    await user.type(screen.getByLabelText('From'), '2026-01-02');
    await user.click(screen.getByRole('button', { name: 'CSV…' }));
    expect(asked[0]).toEqual({ format: 'csv', from: new Date('2026-01-02T00:00:00').getTime() });
    expect((await screen.findByRole('status')).textContent).toContain('Saved 1,234 requests to /home/ana/Downloads/range.csv.');
    // Cancelled in the dialog: nothing to say.
    await user.click(screen.getByRole('button', { name: 'JSON Lines…' }));
    expect(asked[1]).toEqual({ format: 'jsonl', from: new Date('2026-01-02T00:00:00').getTime() });
    expect(screen.queryByText(/Saved/)).toBeNull();
  });
});
