import { addDays, dayKeyIn } from '../../../shared/days';
import { useActions, useDash, useTransportKind } from '../store/context';
import { zoneOf } from '../store/store';
import { downloadUrl } from './download';

const HOUR = 3_600_000;

/**
 * The first instant of `day` in the time zone: its midnight, or the first instant after one a clock change
 * skipped. Found by bisection on the day key, so it needs no offset tables: zones differ from UTC by under 15 h.
 */
export function zonedDayStart(day: string, tz: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  let lo = Date.UTC(y, m - 1, d) - 15 * HOUR; // still the day before, in every zone
  let hi = Date.UTC(y, m - 1, d) + 15 * HOUR; // already the day, in every zone
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (dayKeyIn(mid, tz) >= day) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Whole days `from`..`to` in the zone as the history export takes them: epoch ms, the end exclusive. */
export function dayRangeMs(range: { from: string; to: string }, tz: string): { from: number; to: number } {
  return { from: zonedDayStart(range.from, tz), to: zonedDayStart(addDays(range.to, 1), tz) };
}

export function historyExportHref(from: number, to: number, format: 'csv' | 'jsonl' = 'csv'): string {
  return `/api/history/export?format=${format}&from=${from}&to=${to}`;
}

/**
 * Every request of a range of days as CSV, streamed from the history database, never built in memory: the browser
 * dashboard downloads it from the HTTP export, the app saves it to a file it asks for (history.saveExport).
 * Resolves to what to tell the user, or null when the save dialog was cancelled.
 */
export function useRequestsExport(): (range: { from: string; to: string }) => Promise<string | null> {
  const actions = useActions();
  const kind = useTransportKind();
  const tz = useDash(zoneOf);
  return async (range) => {
    const { from, to } = dayRangeMs(range, tz);
    if (kind === 'http') {
      downloadUrl(historyExportHref(from, to));
      return `Downloading every request from ${range.from} to ${range.to} from the history (in your downloads folder).`;
    }
    const r = await actions.saveHistoryExport({ format: 'csv', from, to });
    return r.file ? `Saved ${r.rows.toLocaleString('en-US')} requests to ${r.file}.` : null;
  };
}
