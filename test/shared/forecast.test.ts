import { describe, expect, it } from 'vitest';
import { forecastWindowStart, periodForecast } from '../../src/shared/forecast';

describe('the period forecast from daily totals', () => {
  const w = { today: '2026-11-20', periodFrom: '2026-11-01', periodTo: '2026-11-30', todayElapsed: 0.5 };
  const row = (r: { day: string; costUsd: number; requests: number }) => r;
  const rows = [
    row({ day: '2026-11-02', costUsd: 3, requests: 3 }),
    row({ day: '2026-11-14', costUsd: 7, requests: 7 }),
    row({ day: '2026-11-15', costUsd: 2.5, requests: 2 }),
    row({ day: '2026-11-19', costUsd: 4, requests: 4 }),
    row({ day: '2026-11-19', costUsd: 1, requests: 1 }),
    row({ day: '2026-11-20', costUsd: 6, requests: 6 }),
  ];

  it('is the spend so far plus the last whole days\' average times the days left', () => {
    expect(forecastWindowStart(w)).toBe('2026-11-01');
    const daily = new Map<string, { costUsd: number; requests: number }>();
    for (const r of rows) {
      const d = daily.get(r.day) ?? { costUsd: 0, requests: 0 };
      daily.set(r.day, { costUsd: d.costUsd + r.costUsd, requests: d.requests + r.requests });
    }
    const f = periodForecast(daily, w);
    expect(f.basis).toEqual({ kind: 'days', days: 7, from: '2026-11-13', firstDay: '2026-11-02' });
    // $23.50 so far; the last 7 whole days (13th–19th) spent $14.50; 10.5 days left.
    expect(f.usd).toBeCloseTo(23.5 + (14.5 / 7) * 10.5, 9);
  });

  it('has nothing to go on before the first spend', () => {
    expect(periodForecast(new Map(), w)).toEqual({ usd: 0, basis: { kind: 'none' } });
  });
});
