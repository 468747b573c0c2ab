import { describe, expect, it } from 'vitest';
import { createDayKeyer, createZoneAt, resolveZone, startOfZonedDay, zonedTimeToEpoch } from '../../../../src/main/core/time/zoned.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('zoned calendar arithmetic', () => {
  it('finds local midnights on both sides of DST changes', () => {
    expect(iso(zonedTimeToEpoch('America/New_York', 2026, 3, 8))).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(zonedTimeToEpoch('America/New_York', 2026, 3, 9))).toBe('2026-03-09T04:00:00.000Z');
    expect(iso(zonedTimeToEpoch('Europe/Berlin', 2026, 10, 25))).toBe('2026-10-24T22:00:00.000Z');
    expect(iso(zonedTimeToEpoch('Europe/Berlin', 2026, 10, 26))).toBe('2026-10-25T23:00:00.000Z');
  });

  it('resolves a wall time skipped by DST to the first instant after the gap', () => {
    expect(iso(zonedTimeToEpoch('America/New_York', 2026, 3, 8, 2, 30))).toBe('2026-03-08T07:00:00.000Z');
    // Chile springs forward at midnight: the day starts at 01:00 local.
    expect(iso(zonedTimeToEpoch('America/Santiago', 2026, 9, 6))).toBe('2026-09-06T04:00:00.000Z');
  });

  it('handles half-hour zones and month overflow', () => {
    expect(iso(zonedTimeToEpoch('Asia/Kolkata', 2026, 1, 1))).toBe('2025-12-31T18:30:00.000Z');
    expect(iso(zonedTimeToEpoch('UTC', 2026, 13, 1))).toBe('2027-01-01T00:00:00.000Z');
    expect(iso(startOfZonedDay(Date.UTC(2026, 2, 8, 12), 'America/New_York'))).toBe('2026-03-08T05:00:00.000Z');
  });

  it('day keys switch exactly at the zone\'s midnight', () => {
    const key = createDayKeyer(() => 'Europe/Berlin');
    expect(key(Date.UTC(2026, 9, 25, 22, 59, 59, 999))).toBe('2026-10-25');
    expect(key(Date.UTC(2026, 9, 25, 23, 0))).toBe('2026-10-26');
    expect(key(Date.UTC(2026, 9, 25, 22, 59, 59, 999))).toBe('2026-10-25');
  });

  it('resolves the zone setting once per instant, and sees a changed setting at once', () => {
    let setting = 'local';
    let asked = 0;
    const zoneAt = createZoneAt(() => {
      asked++;
      return setting;
    });
    expect(zoneAt(1000)).toBe(resolveZone('local'));
    expect(zoneAt(1000)).toBe(resolveZone('local'));
    setting = 'Asia/Kolkata';
    expect(zoneAt(1000)).toBe('Asia/Kolkata');
    expect(zoneAt(2000)).toBe('Asia/Kolkata');
    expect(asked).toBe(4);
  });
});
