import { describe, expect, it } from 'vitest';
import { presetOf, rangePresets, rangeProblem } from '../../../src/renderer/src/lib/date-range';

describe('date ranges for Overview and Activity', () => {
  it('offers presets that end today, and last month whole, across a year boundary', () => {
    const p = Object.fromEntries(rangePresets('2026-01-05').map((r) => [r.id, [r.from, r.to]]));
    expect(p).toEqual({
      today: ['2026-01-05', '2026-01-05'],
      '7d': ['2025-12-30', '2026-01-05'],
      '30d': ['2025-12-07', '2026-01-05'],
      month: ['2026-01-01', '2026-01-05'],
      'last-month': ['2025-12-01', '2025-12-31'],
    });
    expect(presetOf({ from: '2025-12-01', to: '2025-12-31' }, '2026-01-05')).toBe('last-month');
    expect(presetOf({ from: '2025-12-02', to: '2025-12-31' }, '2026-01-05')).toBe('custom');
    // On Nov 30 the last 30 days are this month: it reads as "This month".
    expect(presetOf({ from: '2026-11-01', to: '2026-11-30' }, '2026-11-30')).toBe('month');
  });

  it('names the field that is wrong', () => {
    expect(rangeProblem({ from: '2026-03-01', to: '2026-03-31' })).toBeNull();
    expect(rangeProblem({ from: '', to: '2026-03-31' })).toMatchObject({ field: 'from' });
    expect(rangeProblem({ from: '2026-03-02', to: '2026-03-01' })).toMatchObject({ field: 'to', message: 'The end is before the start.' });
    expect(rangeProblem({ from: '2024-01-01', to: '2026-03-01' })?.message).toMatch(/a year/);
  });
});
