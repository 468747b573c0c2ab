import type { ServerResponse } from 'node:http';
import type { RequestRecord } from '../../contract/usage.js';
import { REQUEST_COLUMNS, requestCells } from '../export/request-rows.js';
import { csvCell, toCsv } from '../export/csv.js';
import type { HistoryQuery } from './search.js';

/** Rows read per page: each page is one short query, so appends never wait behind a long export. */
const PAGE = 1000;

/** Every record of a range, oldest first, a page at a time (keyset paging), never the whole range in memory. */
export function* rangeRecords(search: (q: HistoryQuery) => { records: RequestRecord[]; next: string | null }, q: HistoryQuery): Generator<RequestRecord> {
  let cursor: string | undefined;
  do {
    const page = search({ ...q, ascending: true, sort: 'time', limit: PAGE, cursor });
    yield* page.records;
    cursor = page.next ?? undefined;
  } while (cursor);
}

/**
 * Streams a range as CSV (the request export's columns) or JSON Lines (one record per line, as stored), waiting
 * for the client to drain each chunk: memory stays at one page however long the range.
 */
export async function streamExport(
  res: ServerResponse,
  records: Iterable<RequestRecord>,
  o: { format: 'csv' | 'jsonl'; filename: string; dayKey: (ms: number) => string; keyName: (id: string) => string | null },
): Promise<void> {
  res.writeHead(200, {
    'content-type': o.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    'content-disposition': `attachment; filename="${o.filename}"`,
    'cache-control': 'no-store',
  });
  let closed = false;
  res.on('close', () => (closed = true));
  if (o.format === 'csv') res.write(toCsv(REQUEST_COLUMNS, []));
  let chunk = '';
  for (const r of records) {
    if (closed) return;
    chunk += o.format === 'csv' ? `${requestCells(r, o.dayKey(r.ts), o.keyName(r.keyId)).map(csvCell).join(',')}\r\n` : `${JSON.stringify(r)}\n`;
    if (chunk.length >= 64 * 1024) {
      const ok = res.write(chunk);
      chunk = '';
      if (!ok) await new Promise<void>((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      });
    }
  }
  res.end(chunk);
}
