import type { ExportRange } from '../../contract/api.js';
import type { RequestRecord } from '../../contract/usage.js';
import { rangeRecords } from '../history/export.js';
import type { HistoryQuery } from '../history/search.js';

export type HistorySearch = { search(q: HistoryQuery): { records: RequestRecord[]; next: string | null } };

/**
 * The range's records from the history, oldest first, a page at a time. Day keys are in the configured zone, so
 * the search spans a day more on each side (no zone is more than 14 hours from UTC) and each record is kept by
 * its own day key.
 */
export function* historyInRange(h: HistorySearch, r: ExportRange, dayKey: (ms: number) => string): Generator<{ rec: RequestRecord; day: string }> {
  const from = Date.parse(`${r.from}T00:00:00Z`) - 86_400_000;
  const to = Date.parse(`${r.to}T00:00:00Z`) + 2 * 86_400_000;
  for (const rec of rangeRecords((q) => h.search(q), { from, to })) {
    const day = dayKey(rec.ts);
    if (day >= r.from && day <= r.to) yield { rec, day };
  }
}

export const exportFileName = (kind: string, r: ExportRange) => `tollgate-${kind}-${r.from}${r.from === r.to ? '' : `-to-${r.to}`}.csv`;

/** Why the request export lacks `missing` of the `counted` requests of its range, in words; null when complete. */
export function missingNote(missing: number, counted: number, fromHistory: boolean): string | null {
  if (missing === 0) return null;
  return fromHistory
    ? `${missing} of the ${counted} requests in this range are not in the file: they are older than the history keeps (Settings → history retention). The rollup export has every day's totals.`
    : `${missing} of the ${counted} requests in this range are not in the file: Tollgate keeps only the most recent requests in full (Settings → recent requests kept). The rollup export has every day's totals.`;
}
