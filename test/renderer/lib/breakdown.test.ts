import { describe, expect, it } from 'vitest';
import { dailyBreakdown, hourIn, hourlyBreakdown } from '../../../src/renderer/src/lib/breakdown';
import { toRequest, targetsUnder } from '../../../src/renderer/src/lib/teams-form';
import { record, row } from '../support/fixtures';

const HOUR = 3_600_000;
const DAY0 = Date.UTC(2026, 10, 28);

describe('spend breakdown', () => {
  it('charts each project per day, with no project named, and totals every id', () => {
    const rows = [
      row({ day: '2026-11-01', project: 'web', costUsd: 1.25, requests: 2 }),
      row({ day: '2026-11-02', project: 'web', costUsd: 0.75, requests: 1 }),
      row({ day: '2026-11-02', project: null, costUsd: 0.5, requests: 4 }),
      row({ day: '2026-11-03', project: 'etl', costUsd: 3, requests: 1 }),
      row({ day: '2026-10-31', project: 'old', costUsd: 9, requests: 1 }), // before the range
    ];
    const b = dailyBreakdown(rows, 'project', '2026-11-01', '2026-11-03');
    expect(b.series).toEqual(['etl', 'web', 'No project']);
    expect(b.data).toEqual([
      { x: '2026-11-01', etl: 0, web: 1.25, 'No project': 0 },
      { x: '2026-11-02', etl: 0, web: 0.75, 'No project': 0.5 },
      { x: '2026-11-03', etl: 3, web: 0, 'No project': 0 },
    ]);
    expect(b.rows.map((r) => [r.id, r.costUsd, r.requests])).toEqual([
      ['etl', 3, 1],
      ['web', 2, 3],
      ['', 0.5, 4],
    ]);
  });

  it('folds everything past the top series into one "other" series', () => {
    const rows = ['a', 'b', 'c', 'd'].map((user, i) => row({ day: '2026-11-01', user, costUsd: 4 - i }));
    const b = dailyBreakdown(rows, 'user', '2026-11-01', '2026-11-01', 2);
    expect(b.series).toEqual(['a', 'b', 'Other users']);
    expect(b.data[0]).toEqual({ x: '2026-11-01', a: 4, b: 3, 'Other users': 3 });
  });

  it('charts today per hour in the zone, from today’s requests only', () => {
    const recs = [
      record({ ts: DAY0 + 9 * HOUR, run: 'r1', costUsd: 0.5 }),
      record({ ts: DAY0 + 9 * HOUR + 59 * 60_000, run: 'r1', costUsd: 0.25 }),
      record({ ts: DAY0 + 14 * HOUR, run: null, costUsd: null }),
      record({ ts: DAY0 - HOUR, run: 'r0', costUsd: 7 }), // yesterday in UTC
    ];
    const b = hourlyBreakdown(recs, 'run', '2026-11-28', 'UTC');
    expect(b.data).toHaveLength(24);
    expect(b.data[9]).toEqual({ x: '09:00', r1: 0.75 });
    expect(b.rows.map((r) => [r.id, r.costUsd, r.requests])).toEqual([
      ['r1', 0.75, 2],
      ['', 0, 1],
    ]);
    // The same instant is 10:00 in Berlin (UTC+1 in November).
    expect(hourIn(DAY0 + 9 * HOUR, 'Europe/Berlin')).toBe(10);
  });
});

describe('allocation form', () => {
  const teams = { organization: 'Acme', teams: [{ id: 'web', name: 'Web', projects: ['checkout'], keys: [], users: ['ana'] }] };

  it('offers teams under the organization, projects and users under a team', () => {
    expect(targetsUnder({ level: 'org' }, teams)).toEqual([{ level: 'team', id: 'web' }]);
    expect(targetsUnder({ level: 'team', id: 'web' }, teams)).toEqual([
      { level: 'project', id: 'checkout' },
      { level: 'user', id: 'ana' },
    ]);
  });

  it('builds each strategy’s request, leaving blank figures out or to the ledger', () => {
    const targets = targetsUnder({ level: 'team', id: 'web' }, teams);
    const base = { parent: 'web', total: '90', growth: '10', pool: '25', figures: { 'project:checkout': '2' } };
    expect(toRequest({ ...base, strategy: 'top-down' }, targets)).toEqual({
      strategy: 'top-down',
      parent: { level: 'team', id: 'web' },
      totalUsd: 90,
      targets: [{ level: 'project', id: 'checkout', weight: 2 }],
    });
    expect(toRequest({ ...base, strategy: 'proportional' }, targets)).toEqual({
      strategy: 'proportional',
      parent: { level: 'team', id: 'web' },
      growthPercent: 10,
      discretionaryUsd: 25,
      targets: [
        { level: 'project', id: 'checkout', lastUsd: 2 },
        { level: 'user', id: 'ana' },
      ],
    });
  });
});
