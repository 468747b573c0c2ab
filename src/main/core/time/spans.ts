/** Provider buckets against Tollgate's periods and local days. */
const MINUTE_MS = 60_000;

/** The share of a bucket [start, end) that falls inside [from, to): providers report sums per bucket, not per instant. */
export function overlapShare(start: number, end: number, from: number, to: number): number {
  if (end <= start) return start >= from && start < to ? 1 : 0;
  return Math.max(0, Math.min(end, to) - Math.max(start, from)) / (end - start);
}

/**
 * A bucket cut at local midnights, each part with its share of the bucket's time. Hourly buckets cross midnight in
 * half- and quarter-hour zones (Asia/Kolkata's midnight is 18:30 UTC), and UTC-day buckets do in every other zone;
 * counting such a bucket wholly on the day it starts puts up to half of it on the wrong day. Spend is assumed
 * spread evenly within a bucket: the provider gives no finer figure.
 */
export function splitAcrossDays(start: number, end: number, dayKey: (ms: number) => string): { day: string; share: number }[] {
  const last = dayKey(Math.max(start, end - 1));
  const parts: { day: string; share: number }[] = [];
  let from = start;
  let day = dayKey(from);
  while (day !== last) {
    // Zone offsets are whole minutes, so the next midnight is the first whole minute after `from` in another day.
    let lo = Math.floor(from / MINUTE_MS) + 1;
    let hi = Math.ceil(end / MINUTE_MS) - 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (dayKey(mid * MINUTE_MS) === day) lo = mid + 1;
      else hi = mid;
    }
    const cut = lo * MINUTE_MS;
    parts.push({ day, share: overlapShare(start, end, from, cut) });
    from = cut;
    day = dayKey(from);
  }
  parts.push({ day, share: overlapShare(start, end, from, end) });
  return parts;
}
