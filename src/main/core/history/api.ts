import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiPart } from '../../contract/api.js';
import type { HistoryApiSpec } from '../../contract/api-history.js';
import { schemaApi } from '../util/schema.js';
import { NotFoundError, ValidationError } from '../util/validation.js';
import { rangeRecords, saveExport, streamExport } from './export.js';
import type { History } from './history.js';
import { exportQuerySchema, historySchemas } from './schemas.js';

/** Where the streamed export is served (GET, admin token or dashboard session), beside /api/<channel>. */
export const EXPORT_PATH = '/api/history/export';

export interface HistoryApiDeps {
  history: History | null;
  retentionDays: () => number;
  dayKey: (ms: number) => string;
  keyName: (id: string) => string | null;
  /**
   * Asks the user where to save an export (the desktop app's save dialog); resolves null when they cancel.
   * Absent in headless mode, where the browser downloads from EXPORT_PATH instead.
   */
  chooseExportFile?: (suggestedName: string) => Promise<string | null>;
}

const stampOf = (ms: number | undefined, or: string) => (ms === undefined ? or : new Date(ms).toISOString().slice(0, 10));
const exportName = (from: number | undefined, to: number | undefined, format: string) => `tollgate-history-${stampOf(from, 'start')}-to-${stampOf(to, 'now')}.${format}`;

function size(file: string): number {
  let n = 0;
  for (const f of [file, `${file}-wal`]) {
    try {
      n += fs.statSync(f).size;
    } catch {}
  }
  return n;
}

/** history.search and history.info: the Activity view's search, and what the history holds. */
export function createHistoryApi(d: HistoryApiDeps): ApiPart<HistoryApiSpec> {
  return schemaApi<HistoryApiSpec>()(historySchemas, {
    'history.search': async (q) => {
      if (!d.history) return { records: [], next: null };
      const { cursor, limit, sort, ...rest } = q;
      const filters = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null && v !== undefined));
      return d.history.search({ ...filters, sort, limit, cursor });
    },
    'history.info': async () => ({
      file: d.history?.file ?? null,
      bytes: d.history ? size(d.history.file) : 0,
      retentionDays: d.retentionDays(),
      queued: d.history?.queued ?? 0,
      exportPath: EXPORT_PATH,
    }),
    'history.saveExport': async ({ from, to, format }) => {
      if (!d.chooseExportFile) {
        const why = `Saving to a file needs the desktop app; download GET ${EXPORT_PATH}?format=${format} instead.`;
        throw new ValidationError('input', why, why);
      }
      if (!d.history) throw new NotFoundError('History is off.');
      const file = await d.chooseExportFile(exportName(from, to, format));
      if (!file) return { file: null, rows: 0, bytes: 0 };
      const h = d.history;
      const { rows, bytes } = await saveExport(file, rangeRecords((q) => h.search(q), { from, to }), { format, dayKey: d.dayKey, keyName: d.keyName });
      return { file, rows, bytes };
    },
  });
}

/**
 * GET /api/history/export?from=<ms>&to=<ms>&format=csv|jsonl: a range streamed straight from the database,
 * oldest first, one page in memory at a time. Authorised like the rest of /api by the caller.
 */
export function handleHistoryExport(d: HistoryApiDeps, req: IncomingMessage, res: ServerResponse, search: URLSearchParams): void {
  const parsed = exportQuerySchema.safeParse(Object.fromEntries(search));
  if (!parsed.success || !d.history) {
    res.writeHead(parsed.success ? 404 : 400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: false, error: { code: parsed.success ? 'not_found' : 'invalid', message: parsed.success ? 'History is off.' : 'Use ?from=<epoch ms>&to=<epoch ms>&format=csv|jsonl.' } }));
    return;
  }
  const { from, to, format } = parsed.data;
  const filename = exportName(from, to, format);
  const h = d.history;
  void streamExport(res, rangeRecords((q) => h.search(q), { from, to }), { format, filename, dayKey: d.dayKey, keyName: d.keyName }).catch(() => res.destroy());
}
