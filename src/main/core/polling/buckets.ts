export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Provider buckets snap to UTC minutes, hours and days; so does every window Tollgate asks for. */
export function floorTo(ms: number, unit: number): number {
  return Math.floor(ms / unit) * unit;
}

export function ceilTo(ms: number, unit: number): number {
  return Math.ceil(ms / unit) * unit;
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

