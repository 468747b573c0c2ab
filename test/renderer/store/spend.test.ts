import { describe, expect, it } from 'vitest';
import { applyRecords, dailyByModel, OTHER_SERIES, spendFromRows, summarize, totalOf } from '../../../src/renderer/src/store/spend';
import { forecastWindowStart } from '../../../src/shared/forecast';
import { record, row } from '../support/fixtures';

const dayOf = (ts: number) => new Date(ts).toISOString().slice(0, 10);
const at = (day: string, h = 12) => Date.parse(`${day}T${String(h).padStart(2, '0')}:00:00Z`);

describe('spend model', () => {
  const base = spendFromRows(
    '2026-11-01',
    '2026-11-30',
    [row({ day: '2026-11-27', keyId: 'k1', costUsd: 2, requests: 4 }), row({ day: '2026-11-28', keyId: 'k1', costUsd: 1, requests: 2 })],
    [row({ day: '2026-11-27', model: 'gpt-4o', costUsd: 2, requests: 4 }), row({ day: '2026-11-28', model: 'gpt-4o', costUsd: 1, requests: 2 })],
  );

  it('adds recorded requests to their day, key and model', () => {
    const next = applyRecords(
      base,
      [record({ ts: at('2026-11-28'), keyId: 'k1', model: 'gpt-4o', costUsd: 0.5 }), record({ ts: at('2026-11-28'), keyId: 'k2', model: 'o3', costUsd: 0.25 })],
      dayOf,
    );
    expect(next.byKey.get('2026-11-28')!.get('k1')).toMatchObject({ costUsd: 1.5, requests: 3 });
    expect(next.byKey.get('2026-11-28')!.get('k2')).toMatchObject({ costUsd: 0.25, requests: 1 });
    expect(next.byModel.get('2026-11-28')!.get('o3')!.costUsd).toBe(0.25);
  });

  it('is immutable where it changed and shares what did not (cheap re-renders)', () => {
    const next = applyRecords(base, [record({ ts: at('2026-11-28'), keyId: 'k1', costUsd: 1 })], dayOf);
    expect(next).not.toBe(base);
    expect(next.byKey).not.toBe(base.byKey);
    expect(next.byKey.get('2026-11-28')).not.toBe(base.byKey.get('2026-11-28'));
    expect(next.byKey.get('2026-11-27')).toBe(base.byKey.get('2026-11-27'));
    expect(base.byKey.get('2026-11-28')!.get('k1')!.costUsd).toBe(1);
  });

  it('counts unpriced calls by number, not as $0 spend, and ignores days before the window', () => {
    const next = applyRecords(base, [record({ ts: at('2026-11-28'), keyId: 'k1', costUsd: null }), record({ ts: at('2026-10-15'), keyId: 'k1', costUsd: 9 })], dayOf);
    const cell = next.byKey.get('2026-11-28')!.get('k1')!;
    expect(cell).toMatchObject({ costUsd: 1, requests: 3, unpriced: 1 });
    expect(next.byKey.has('2026-10-15')).toBe(false);
    expect(applyRecords(base, [], dayOf)).toBe(base);
  });

  it('summarises today, the period and a forecast at the recent run rate', () => {
    // $7/day for the 7 days before today, $3.5 today with half the day gone: a steady $7/day.
    const rows = [];
    for (let d = 21; d <= 27; d++) rows.push(row({ day: `2026-11-${d}`, model: 'm', costUsd: 7 }));
    rows.push(row({ day: '2026-11-28', model: 'm', costUsd: 3.5 }));
    rows.push(row({ day: '2026-10-30', model: 'm', costUsd: 100 })); // last month: in the rate window? no, 29 days back
    const s = spendFromRows('2026-10-30', '2026-11-30', [], rows);
    const [r] = summarize(s.byModel, { today: '2026-11-28', periodFrom: '2026-11-01', periodTo: '2026-11-30', todayElapsed: 0.5 });
    expect(r!.today.costUsd).toBe(3.5);
    expect(r!.period.costUsd).toBe(7 * 7 + 3.5);
    // 52.5 so far + $7/day × 2.5 days left (half of today, the 29th and the 30th).
    expect(r!.forecastUsd).toBeCloseTo(52.5 + 7 * 2.5, 6);
  });

  it('forecasts from the first day with spend when there is less than a week of history', () => {
    const s = spendFromRows('2026-11-01', '2026-11-30', [], [row({ day: '2026-11-27', model: 'm', costUsd: 10 }), row({ day: '2026-11-28', model: 'm', costUsd: 5 })]);
    const [r] = summarize(s.byModel, { today: '2026-11-28', periodFrom: '2026-11-01', periodTo: '2026-11-30', todayElapsed: 0.5 });
    // $15 over 1.5 days = $10/day; 2.5 days left.
    expect(r!.forecastUsd).toBeCloseTo(15 + 10 * 2.5, 6);
    expect(totalOf([r!, r!]).period.costUsd).toBe(30);
  });

  it('looks back a week even at the start of a month', () => {
    expect(forecastWindowStart({ today: '2026-12-02', periodFrom: '2026-12-01' })).toBe('2026-11-25');
    expect(forecastWindowStart({ today: '2026-12-20', periodFrom: '2026-12-01' })).toBe('2026-12-01');
  });

  it('charts the costliest models and folds the rest into one series', () => {
    const rows = Array.from({ length: 12 }, (_, i) => row({ day: '2026-11-02', model: `m${String(i).padStart(2, '0')}`, costUsd: i + 1 }));
    const s = spendFromRows('2026-11-01', '2026-11-30', [], rows);
    const c = dailyByModel(s.byModel, '2026-11-01', '2026-11-03', 3);
    expect(c.series).toEqual(['m11', 'm10', 'm09', OTHER_SERIES]);
    expect(c.data).toHaveLength(3);
    expect(c.data[1]).toMatchObject({ day: '2026-11-02', m11: 12, m10: 11, m09: 10, [OTHER_SERIES]: 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 });
    expect(c.data[0]).toMatchObject({ day: '2026-11-01', m11: 0, [OTHER_SERIES]: 0 });
    expect(dailyByModel(s.byModel, '2026-11-01', '2026-11-03', 20).series).not.toContain(OTHER_SERIES);
  });
});
