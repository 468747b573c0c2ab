import type { ApiPart, ExportApiSpec, ExportRange } from '../../contract/api.js';
import type { KeyDto } from '../../contract/keys.js';
import type { Ledger } from '../ledger/ledger.js';
import { groupRollups } from '../ledger/rollups.js';
import { DIMENSIONS } from '../ledger/schemas.js';
import { schemaApi } from '../util/schema.js';
import type { RequestRecord } from '../../contract/usage.js';
import { rangeRecords } from '../history/export.js';
import type { HistoryQuery } from '../history/search.js';
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

/**
 * The range's records from the history, oldest first. Day keys are in the configured zone, so the search spans
 * a day more on each side (no zone is more than 14 hours from UTC) and each record is kept by its own day key.
 */
function historyInRange(h: NonNullable<ExportDeps['history']>, r: ExportRange, dayKey: (ms: number) => string) {
  const from = Date.parse(`${r.from}T00:00:00Z`) - 86_400_000;
  const to = Date.parse(`${r.to}T00:00:00Z`) + 2 * 86_400_000;
  const out: { rec: RequestRecord; day: string }[] = [];
  for (const rec of rangeRecords((q) => h.search(q), { from, to })) {
    const day = dayKey(rec.ts);
    if (day >= r.from && day <= r.to) out.push({ rec, day });
  }
  return out;
}


const name = (kind: string, r: ExportRange) => `tollgate-${kind}-${r.from}${r.from === r.to ? '' : `-to-${r.to}`}.csv`;

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
      const inRange = d.history
        ? historyInRange(d.history, r, d.dayKey)
        : d.ledger
            .recent({ limit: Number.POSITIVE_INFINITY })
            .map((rec) => ({ rec, day: d.dayKey(rec.ts) }))
            .filter((x) => x.day >= r.from && x.day <= r.to)
            .reverse();
      // Rollups count every request ever made; the ring only the latest ones. The difference is what the file lacks.
      let counted = 0;
      for (const row of d.ledger.rollups(r.from, r.to)) counted += row.requests;
      const missing = Math.max(0, counted - inRange.length);
      const header = REQUEST_COLUMNS;
      const rows = inRange.map(({ rec, day }): Cell[] => requestCells(rec, day, names.get(rec.keyId) ?? null));
      const note =
        missing === 0
          ? null
          : d.history
            ? `${missing} of the ${counted} requests in this range are not in the file: they are older than the history keeps (Settings → history retention). The rollup export has every day's totals.`
            : `${missing} of the ${counted} requests in this range are not in the file: Tollgate keeps only the most recent requests in full (Settings → recent requests kept). The rollup export has every day's totals.`;
      return { filename: name('requests', r), csv: toCsv(header, rows), rows: rows.length, missing, note };
    },
  });
}
