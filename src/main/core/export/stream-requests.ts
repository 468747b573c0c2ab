import type { ServerResponse } from 'node:http';
import type { Ledger } from '../ledger/ledger.js';
import { writeRecords } from '../history/export.js';
import { parseInput } from '../util/schema.js';
import { exportFileName, historyInRange, missingNote, type HistorySearch } from './requests-range.js';
import { exportSchemas } from './schemas.js';

/**
 * export.requests over the admin HTTP API, written as it is read: the same { ok, data } envelope and CsvExport
 * as the channel's answer, but the CSV goes out a page of the history at a time, JSON-escaped, waiting for the
 * client to take each chunk (history/export.ts's writeRecords), so a year of requests is never one string in
 * memory (issue 14: exports stream). `rows`, `missing` and `note` follow the CSV, once counted. An error before
 * the first byte is answered like any channel's; after it, the connection is cut, so a client never takes a cut
 * file for a whole one.
 */
export function createRequestsExportStream(d: {
  ledger: Pick<Ledger, 'rollups'>;
  history: HistorySearch;
  keyName: (id: string) => string | null;
  dayKey: (ms: number) => string;
}) {
  return async (raw: unknown, res: ServerResponse): Promise<void> => {
    const r = parseInput(exportSchemas['export.requests'], raw);
    // Rollups count every request ever made; the history only those it still keeps.
    let counted = 0;
    for (const row of d.ledger.rollups(r.from, r.to)) counted += row.requests;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.write(`{"ok":true,"data":{"filename":${JSON.stringify(exportFileName('requests', r))},"csv":"`);
    const escaped = {
      write: (chunk: string) => res.write(JSON.stringify(chunk).slice(1, -1)),
      once: (e: 'drain' | 'close', cb: () => void) => res.once(e, cb),
      off: (e: 'drain' | 'close', cb: () => void) => res.off(e, cb),
      on: (e: 'close', cb: () => void) => res.on(e, cb),
    };
    const records = (function* () {
      for (const { rec } of historyInRange(d.history, r, d.dayKey)) yield rec;
    })();
    const rows = await writeRecords(escaped, records, { format: 'csv', dayKey: d.dayKey, keyName: d.keyName });
    if (rows === null) return;
    const missing = Math.max(0, counted - rows);
    res.end(`","rows":${rows},"missing":${missing},"note":${JSON.stringify(missingNote(missing, counted, true))}}}`);
  };
}
