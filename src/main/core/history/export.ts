import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import { finished } from 'node:stream/promises';
import type { RequestRecord } from '../../contract/usage.js';
import { REQUEST_COLUMNS, requestCells } from '../export/request-rows.js';
import { csvCell, toCsv } from '../export/csv.js';
import type { HistoryQuery } from './search.js';

/** Rows read per page: each page is one short query, so appends never wait behind a long export. */
const PAGE = 1000;
/** Text handed to the sink at a time: large enough to keep write calls few, small against any page of rows. */
const CHUNK = 64 * 1024;

/** Every record of a range, oldest first, a page at a time (keyset paging), never the whole range in memory. */
export function* rangeRecords(search: (q: HistoryQuery) => { records: RequestRecord[]; next: string | null }, q: HistoryQuery): Generator<RequestRecord> {
  let cursor: string | undefined;
  do {
    const page = search({ ...q, ascending: true, sort: 'time', limit: PAGE, cursor });
    yield* page.records;
    cursor = page.next ?? undefined;
  } while (cursor);
}

export interface ExportFormat {
  format: 'csv' | 'jsonl';
  dayKey: (ms: number) => string;
  keyName: (id: string) => string | null;
}

/** What the writer needs of its sink: an HTTP response and a file stream both are one. */
interface Sink {
  write(chunk: string): boolean;
  once(event: 'drain' | 'close', cb: () => void): unknown;
  off(event: 'drain' | 'close', cb: () => void): unknown;
  on(event: 'close', cb: () => void): unknown;
}

/**
 * Writes a range as CSV (the request export's columns) or JSON Lines (one record per line, as stored), waiting
 * for the sink to drain each chunk, so memory stays at one page however long the range. Does not end the sink.
 * Returns the rows written, or null when the sink closed first (a client gone, a file that failed).
 */
export async function writeRecords(out: Sink, records: Iterable<RequestRecord>, o: ExportFormat): Promise<number | null> {
  let closed = false;
  out.on('close', () => (closed = true));
  if (o.format === 'csv') out.write(toCsv(REQUEST_COLUMNS, []));
  let chunk = '';
  let rows = 0;
  const flush = async () => {
    const ok = out.write(chunk);
    chunk = '';
    if (ok || closed) return;
    // Whichever comes first; the other listener goes, so a long export does not pile them up on the sink.
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.once('drain', done);
      out.once('close', done);
    });
  };
  for (const r of records) {
    if (closed) return null;
    chunk += o.format === 'csv' ? `${requestCells(r, o.dayKey(r.ts), o.keyName(r.keyId)).map(csvCell).join(',')}\r\n` : `${JSON.stringify(r)}\n`;
    rows++;
    if (chunk.length >= CHUNK) await flush();
  }
  if (closed) return null;
  if (chunk) await flush();
  return closed ? null : rows;
}

/** The streamed export as an HTTP download (GET /api/history/export). */
export async function streamExport(res: ServerResponse, records: Iterable<RequestRecord>, o: ExportFormat & { filename: string }): Promise<void> {
  res.writeHead(200, {
    'content-type': o.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    'content-disposition': `attachment; filename="${o.filename}"`,
    'cache-control': 'no-store',
  });
  if ((await writeRecords(res, records, o)) !== null) res.end();
}

/**
 * The same export into a file (the desktop app's "Save as…"): written beside it under a temporary name and
 * renamed when complete, so the chosen file is never left half written, and an export that fails (disk full)
 * leaves what was there before. Returns the rows and bytes written.
 */
export async function saveExport(file: string, records: Iterable<RequestRecord>, o: ExportFormat): Promise<{ rows: number; bytes: number }> {
  const part = `${file}.part-${process.pid}`;
  const out = fs.createWriteStream(part, { mode: 0o600 });
  // Listened to from the start: an error before the end (EACCES at open, ENOSPC) would otherwise be uncaught.
  const done = finished(out);
  done.catch(() => {});
  try {
    const rows = await writeRecords(out, records, o);
    out.end();
    // Rejects with the stream's error if it had one, which is also why rows can be null.
    await done;
    if (rows === null) throw new Error(`could not write ${part}`);
    fs.renameSync(part, file);
    return { rows, bytes: out.bytesWritten };
  } catch (err) {
    out.destroy();
    fs.rmSync(part, { force: true });
    throw err;
  }
}
