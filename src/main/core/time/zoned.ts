/**
 * Calendar arithmetic in an IANA time zone, DST included, with nothing but Intl. Period boundaries are computed
 * from the clock on demand, never by a timer that might fire late.
 */

export interface ZonedParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

let localZone = '';
let localZoneAt = -Infinity;

/**
 * "local" means the machine's zone. Asking Intl for it builds a formatter (tens of µs), so the answer is kept
 * for a minute: long enough to be free on the hot path, short enough to follow a laptop across time zones.
 */
export function resolveZone(tz: string): string {
  if (tz !== 'local') return tz;
  const now = performance.now();
  if (now - localZoneAt > 60_000) {
    localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    localZoneAt = now;
  }
  return localZone;
}

/**
 * The zone a setting names, resolved once per instant: admission and settle hand the same `now` to every budget
 * they touch, so a call with many budgets asks the "local" cache (and its clock read) once, not per budget. A
 * change of the setting is seen at once; a change of the machine's zone as soon as `resolveZone` sees it.
 */
export function createZoneAt(timezone: () => string): (now: number) => string {
  let setting = '';
  let at = NaN;
  let zone = '';
  return (now) => {
    const tz = timezone();
    if (now === at && tz === setting) return zone;
    setting = tz;
    at = now;
    zone = resolveZone(tz);
    return zone;
  };
}

export function isValidZone(tz: string): boolean {
  if (tz === 'local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

export function zonedParts(ms: number, tz: string): ZonedParts {
  const p: Record<string, string> = {};
  for (const part of formatter(resolveZone(tz)).formatToParts(ms)) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: WEEKDAYS[p.weekday!] ?? 0,
  };
}

/** The zone's offset from UTC at an instant, in ms. */
export function zoneOffset(ms: number, tz: string): number {
  const p = zonedParts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a wall-clock time happens in the zone. Month and day may overflow (Date.UTC normalises them).
 * A wall time skipped by a DST jump resolves to the first instant after the gap.
 */
export function zonedTimeToEpoch(tz: string, year: number, month: number, day: number, hour = 0, minute = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wall - zoneOffset(wall, tz);
  const second = wall - zoneOffset(guess, tz);
  if (second !== guess) {
    // Crossed a transition: the later candidate is right unless it maps back to a different wall time (a gap).
    guess = second;
  }
  const back = zonedParts(guess, tz);
  const backWall = Date.UTC(back.year, back.month - 1, back.day, back.hour, back.minute);
  if (backWall !== wall) {
    // In a gap: take the transition instant, the first one at or after the requested wall time.
    const before = wall - zoneOffset(wall - 86_400_000, tz);
    const after = wall - zoneOffset(wall + 86_400_000, tz);
    const a = Math.min(before, after);
    const b = Math.max(before, after);
    let lo = a;
    let hi = b;
    while (hi - lo > 60_000) {
      const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000;
      const p = zonedParts(mid, tz);
      if (Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) >= wall) hi = mid;
      else lo = mid;
    }
    return hi;
  }
  return guess;
}

export function startOfZonedDay(ms: number, tz: string): number {
  const p = zonedParts(ms, tz);
  return zonedTimeToEpoch(tz, p.year, p.month, p.day);
}

export function dayKey(p: Pick<ZonedParts, 'year' | 'month' | 'day'>): string {
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * Day keys ("2026-11-28") for instants, in the zone, caching the current day's range so the hot path does one
 * comparison instead of an Intl call.
 */
export function createDayKeyer(timezone: () => string): (ms: number) => string {
  let tz = '';
  let start = 0;
  let end = -1;
  let key = '';
  return (ms) => {
    const zone = resolveZone(timezone());
    if (zone === tz && ms >= start && ms < end) return key;
    const p = zonedParts(ms, zone);
    tz = zone;
    key = dayKey(p);
    start = zonedTimeToEpoch(zone, p.year, p.month, p.day);
    end = zonedTimeToEpoch(zone, p.year, p.month, p.day + 1);
    return key;
  };
}
