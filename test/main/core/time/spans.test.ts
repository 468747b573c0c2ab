import { describe, expect, it } from 'vitest';
import { overlapShare, splitAcrossDays } from '../../../../src/main/core/time/spans.js';
import { createDayKeyer } from '../../../../src/main/core/time/zoned.js';

const H = 3_600_000;

describe('provider buckets against local days', () => {
  it('cuts an hourly bucket at Asia/Kolkata\'s midnight (18:30 UTC) half and half', () => {
    const dayKey = createDayKeyer(() => 'Asia/Kolkata');
    const start = Date.UTC(2026, 10, 29, 18);
    expect(splitAcrossDays(start, start + H, dayKey)).toEqual([
      { day: '2026-11-29', share: 0.5 },
      { day: '2026-11-30', share: 0.5 },
    ]);
    // An hour that does not cross midnight stays whole.
    expect(splitAcrossDays(start + H, start + 2 * H, dayKey)).toEqual([{ day: '2026-11-30', share: 1 }]);
  });

  it('cuts a UTC-day bucket in a quarter-hour zone (Asia/Kathmandu, +05:45) at 18:15 UTC', () => {
    const dayKey = createDayKeyer(() => 'Asia/Kathmandu');
    const start = Date.UTC(2026, 10, 29);
    const parts = splitAcrossDays(start, start + 24 * H, dayKey);
    expect(parts.map((p) => p.day)).toEqual(['2026-11-29', '2026-11-30']);
    expect(parts[0]!.share).toBeCloseTo(18.25 / 24, 12);
    expect(parts[1]!.share).toBeCloseTo(5.75 / 24, 12);
  });

  it('gives the share of a bucket inside a period', () => {
    const start = Date.UTC(2026, 10, 29, 18);
    expect(overlapShare(start, start + H, start + H / 2, Infinity)).toBe(0.5);
    expect(overlapShare(start, start + H, start + H, Infinity)).toBe(0);
    expect(overlapShare(start, start + H, 0, Infinity)).toBe(1);
  });
});
