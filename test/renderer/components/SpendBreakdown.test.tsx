import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SpendQuery, SpendRowDto } from '../../../src/main/contract/api';
import { SpendBreakdown } from '../../../src/renderer/src/components/SpendBreakdown';
import { createFakeTransport } from '../support/fake-transport';
import { record, row, settings, status, T0 } from '../support/fixtures';
import { renderWithStore, settle } from '../support/render';

let done: (() => void) | null = null;
afterEach(() => {
  done?.();
  done = null;
  cleanup();
});

const HOUR = 3_600_000;
const ROWS: SpendRowDto[] = [
  row({ day: '2026-11-27', project: 'web', user: 'ana', run: 'r1', costUsd: 2, requests: 2 }),
  row({ day: '2026-11-28', project: 'web', user: 'bo', run: null, costUsd: 1, requests: 1 }),
  row({ day: '2026-11-28', project: 'etl', user: 'ana', run: 'r2', costUsd: 0.5, requests: 3 }),
];

/** spend.query grouped as asked over ROWS, as the core would; today's requests for the hours. */
function transport(todayRequests = 3) {
  return createFakeTransport({
    'status.get': () => status(),
    'settings.get': () => settings(),
    'spend.query': (q: SpendQuery) => {
      const by = q.groupBy ?? [];
      const groups = new Map<string, SpendRowDto>();
      for (const r of ROWS) {
        const k = by.map((d) => String(r[d] ?? '')).join('|');
        const g = groups.get(k) ?? row({ ...Object.fromEntries(by.map((d) => [d, r[d] ?? null])), costUsd: 0, requests: 0 });
        g.costUsd += r.costUsd;
        g.requests += r.requests;
        groups.set(k, g);
      }
      // The overview's month tables ask by day × model: today has `todayRequests` requests in the rollups.
      const rows = by.includes('model') ? [row({ day: '2026-11-28', model: 'gpt-4o-mini', costUsd: 1, requests: todayRequests })] : [...groups.values()];
      return { from: q.from ?? null, to: q.to ?? null, rows, totals: row({ costUsd: 0 }) };
    },
    'requests.recent': () => [
      record({ ts: T0 - 2 * HOUR, user: 'ana', run: 'r2', project: 'etl', costUsd: 0.25 }),
      record({ ts: T0 - 2 * HOUR + 60_000, user: 'bo', project: 'web', costUsd: 0.5 }),
      record({ ts: T0 - 26 * HOUR, user: 'ana', costUsd: 9 }), // yesterday
    ],
  });
}

const dimButton = (name: string) => within(screen.getByRole('group', { name: 'Group spend by' })).getByRole('button', { name });
const spanButton = (name: string) => within(screen.getByRole('group', { name: 'Period' })).getByRole('button', { name });

const cells = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map((r) => [r.querySelector('th')!.textContent, ...[...r.querySelectorAll('td')].map((c) => c.textContent)].slice(0, 3));

describe('spend by project, user and run', () => {
  it('shows this month by project, and switches to users and runs', async () => {
    const t = transport();
    done = (await renderWithStore(<SpendBreakdown />, t, T0)).unmount;
    expect(cells(screen.getByRole('table', { name: 'Spend by project' }))).toEqual([
      ['web', '$3.00', '3'],
      ['etl', '$0.50', '3'],
    ]);
    expect(screen.getByRole('img', { name: 'Daily spend by project, 2 series' })).toBeTruthy();
    expect(dimButton('Project').getAttribute('aria-pressed')).toBe('true');

    fireEvent.click(dimButton('User'));
    await settle();
    expect(t.calls.some((c) => c.channel === 'spend.query' && JSON.stringify((c.input as SpendQuery).groupBy) === '["day","user"]')).toBe(true);
    expect(cells(screen.getByRole('table', { name: 'Spend by user' }))).toEqual([
      ['ana', '$2.50', '5'],
      ['bo', '$1.00', '1'],
    ]);

    fireEvent.click(dimButton('Run'));
    await settle();
    expect(cells(screen.getByRole('table', { name: 'Spend by run' }))).toEqual([
      ['r1', '$2.00', '2'],
      ['Not in a run', '$1.00', '1'],
      ['r2', '$0.50', '3'],
    ]);
  });

  it('shows today by hour from today’s requests, and says when the hours hold fewer than today’s total', async () => {
    const t = transport(5);
    done = (await renderWithStore(<SpendBreakdown />, t, T0)).unmount;
    fireEvent.click(dimButton('User'));
    fireEvent.click(spanButton('Today, by hour'));
    await settle();
    expect(screen.getByRole('img', { name: 'Hourly spend by user, 2 series' })).toBeTruthy();
    expect(cells(screen.getByRole('table', { name: 'Spend by user' }))).toEqual([
      ['bo', '$0.50', '1'],
      ['ana', '$0.25', '1'],
    ]);
    expect(screen.getByText(/The hours show 2 of today's 5 requests/)).toBeTruthy();
  });

  it('has no note when every request of today is in the hours', async () => {
    const t = transport(2);
    done = (await renderWithStore(<SpendBreakdown />, t, T0)).unmount;
    fireEvent.click(spanButton('Today, by hour'));
    await settle();
    expect(screen.getByRole('table', { name: 'Spend by project' })).toBeTruthy();
    expect(screen.queryByText(/The hours show/)).toBeNull();
  });
});
