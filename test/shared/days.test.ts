import { describe, expect, it } from 'vitest';
import { addDays, dayFraction, dayKeyIn, dayRange, daysBetween, daysInMonth, monthEnd, monthStart } from '../../src/shared/days';

describe('day keys', () => {
  it('counts days in the core zone, not the browser', () => {
    const t = Date.UTC(2026, 10, 30, 23, 30);
    expect(dayKeyIn(t, 'UTC')).toBe('2026-11-30');
    expect(dayKeyIn(t, 'Europe/Berlin')).toBe('2026-12-01');
    expect(dayKeyIn(t, 'America/Los_Angeles')).toBe('2026-11-30');
  });

  it('does calendar arithmetic across months and leap years', () => {
    expect(addDays('2026-11-28', 5)).toBe('2026-12-03');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysInMonth('2028-02-10')).toBe(29);
    expect(monthStart('2026-11-28')).toBe('2026-11-01');
    expect(monthEnd('2026-11-28')).toBe('2026-11-30');
    expect(daysBetween('2026-11-01', '2026-11-30')).toBe(30);
    expect(dayRange('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
  });

  it('knows how much of the day has passed', () => {
    expect(dayFraction(Date.UTC(2026, 10, 28, 18, 0), 'UTC')).toBe(0.75);
    expect(dayFraction(Date.UTC(2026, 10, 28, 18, 0), 'Asia/Kolkata')).toBeCloseTo((23 * 60 + 30) / 1440, 6);
  });
});
