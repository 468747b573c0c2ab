import type { ApiPart, ExportApiSpec } from '../../contract/api.js';
import type { KeyDto } from '../../contract/keys.js';
import type { Ledger } from '../ledger/ledger.js';
import { groupRollups } from '../ledger/rollups.js';
import { DIMENSIONS } from '../ledger/schemas.js';
import { schemaApi } from '../util/schema.js';
import { ValidationError } from '../util/validation.js';
import type { RequestRecord } from '../../contract/usage.js';
import type { HistoryQuery } from '../history/search.js';
import { exportFileName, historyInRange, missingNote } from './requests-range.js';
import { toCsv, type Cell } from './csv.js';
import { REQUEST_COLUMNS, requestCells } from './request-rows.js';
import { USAGE_COLUMNS, roundUsd } from './usage-columns.js';
import { exportSchemas } from './schemas.js';

export interface ExportDeps {
  ledger: Ledger;
  keys: { list(): KeyDto[] };
  /** Day key of an instant in the configured zone. */
  dayKey: (ms: number) => string;
  /** The history database: with it, the request export has every request of the range, not only recent ones. */
  history?: { search(q: HistoryQuery): { records: RequestRecord[]; next: string | null } };
}

const name = exportFileName;

/** The most requests `export.requests` builds into one string (a few MB of CSV). */
export const IN_MEMORY_EXPORT_MAX = 20_000;

/** The export channels: CSV text travels in the same envelope as every answer, so both transports can save it. */
export function createExportApi(d: ExportDeps): ApiPart<ExportApiSpec> {
  const keyNames = () => new Map(d.keys.list().map((k) => [k.id, k.name ?? k.label]));

  return schemaApi<ExportApiSpec>()(exportSchemas, {
    'export.rollups': async ({ groupBy: asked, ...r }) => {
      // Kept in the canonical order, so the columns read the same whatever order was asked for.
      const groupBy = asked ? DIMENSIONS.filter((g) => asked.includes(g)) : DIMENSIONS;
      const groups = groupRollups(d.ledger.rollups(r.from, r.to), groupBy);
      const names = keyNames();
      const dims = groupBy.flatMap((g) => (g === 'keyId' ? ['key_id', 'key_name'] : g === 'day' ? ['day'] : [g]));
      const header = [
        ...dims,
        'requests',
        'errors',
        'partial',
        'unpriced_requests',
        ...USAGE_COLUMNS,
      ];
      const sortKey = (g: (typeof groups)[number]) => groupBy.map((k) => g[k] ?? '').join('\u0000');
      groups.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
      const rows = groups.map((g): Cell[] => [
        ...groupBy.flatMap((k): Cell[] => (k === 'keyId' ? [g.keyId, names.get(g.keyId ?? '') ?? null] : [g[k] ?? null])),
        g.requests,
        g.errors,
        g.partial,
        g.unpricedRequests,
        g.inputTokens,
        g.cacheReadTokens,
        g.cacheWrite5mTokens,
        g.cacheWrite1hTokens,
        g.outputTokens,
        g.reasoningTokens,
        roundUsd(g.costUsd),
      ]);
      return { filename: name('rollups', r), csv: toCsv(header, rows), rows: rows.length, missing: 0, note: null };
    },

    'export.requests': async (r) => {
      const names = keyNames();
      // Rollups count every request ever made; the history (or the ring) holds what it kept of them.
      let counted = 0;
      for (const row of d.ledger.rollups(r.from, r.to)) counted += row.requests;
      // One answer is one string: over IPC (the admin API streams this channel, export/stream-requests.ts) a range
      // is built in memory only up to a bound; a larger one is exported streamed, never held whole.
      if (d.history && counted > IN_MEMORY_EXPORT_MAX) {
        const why = `This range holds ${counted} requests, more than the ${IN_MEMORY_EXPORT_MAX} one answer carries. Export it streamed: history.saveExport (Export requests in the dashboard), GET /api/history/export, or export.requests over the admin API.`;
        throw new ValidationError('to', why, why);
      }
      const inRange = d.history
        ? [...historyInRange(d.history, r, d.dayKey)]
        : d.ledger
            .recent({ limit: Number.POSITIVE_INFINITY })
            .map((rec) => ({ rec, day: d.dayKey(rec.ts) }))
            .filter((x) => x.day >= r.from && x.day <= r.to)
            .reverse();
      // The difference is what the file lacks (older than the history keeps, or out of the ring).
      const missing = Math.max(0, counted - inRange.length);
      const header = REQUEST_COLUMNS;
      const rows = inRange.map(({ rec, day }): Cell[] => requestCells(rec, day, names.get(rec.keyId) ?? null));
      const note = missingNote(missing, counted, Boolean(d.history));
      return { filename: name('requests', r), csv: toCsv(header, rows), rows: rows.length, missing, note };
    },
  });
}
