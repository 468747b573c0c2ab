import { describe, expect, it } from 'vitest';
import { dayRangeMs, zonedDayStart } from '../../../src/renderer/src/lib/request-export';

describe('days of a time zone as instants, for the streamed request export', () => {
  it('finds each day’s first instant, across offsets and clock changes', () => {
    expect(zonedDayStart('2026-11-01', 'UTC')).toBe(Date.UTC(2026, 10, 1));
    // Berlin: winter time (+1) and the spring change's day (+1 at midnight, +2 from 02:00).
    expect(zonedDayStart('2026-01-15', 'Europe/Berlin')).toBe(Date.UTC(2026, 0, 14, 23));
    expect(zonedDayStart('2026-03-29', 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 28, 23));
    expect(zonedDayStart('2026-07-01', 'Europe/Berlin')).toBe(Date.UTC(2026, 5, 30, 22));
    // São Paulo in 2018 skipped midnight itself: the day began at 01:00 (-02), 03:00 UTC.
    expect(zonedDayStart('2018-11-04', 'America/Sao_Paulo')).toBe(Date.UTC(2018, 10, 4, 3));
    // Far from UTC on both sides.
    expect(zonedDayStart('2026-11-30', 'Pacific/Kiritimati')).toBe(Date.UTC(2026, 10, 29, 10));
    expect(zonedDayStart('2026-11-30', 'Pacific/Pago_Pago')).toBe(Date.UTC(2026, 10, 30, 11));
  });

  it('a range of whole days ends where the day after its last begins', () => {
    expect(dayRangeMs({ from: '2026-10-25', to: '2026-10-25' }, 'Europe/Berlin')).toEqual({
      from: Date.UTC(2026, 9, 24, 22),
      // The autumn change: that day had 25 hours.
      to: Date.UTC(2026, 9, 25, 23),
    });
  });
});
