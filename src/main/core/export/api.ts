import type { ApiPart, ExportApiSpec, ExportRange } from '../../contract/api.js';
import type { KeyDto } from '../../contract/keys.js';
import type { Ledger } from '../ledger/ledger.js';
import { groupRollups } from '../ledger/rollups.js';
import { DIMENSIONS } from '../ledger/schemas.js';
import { schemaApi } from '../util/schema.js';
import { toCsv, type Cell } from './csv.js';
import { exportSchemas } from './schemas.js';

export interface ExportDeps {
  ledger: Ledger;
  keys: { list(): KeyDto[] };
  /** Day key of an instant in the configured zone. */
  dayKey: (ms: number) => string;
}

/** Every token kind, then the cost: the same columns, in the same order, in both files. */
const USAGE_COLUMNS = ['input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'output_tokens', 'reasoning_tokens', 'cost_usd'];

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
      const inRange = d.ledger
        .recent({ limit: Number.POSITIVE_INFINITY })
        .map((rec) => ({ rec, day: d.dayKey(rec.ts) }))
        .filter((x) => x.day >= r.from && x.day <= r.to)
        .reverse();
      // Rollups count every request ever made; the ring only the latest ones. The difference is what the file lacks.
      let counted = 0;
      for (const row of d.ledger.rollups(r.from, r.to)) counted += row.requests;
      const missing = Math.max(0, counted - inRange.length);
      const header = [
        'id',
        'time_utc',
        'day',
        'provider',
        'operation',
        'model',
        'response_model',
        'key_id',
        'key_name',
        'project',
        'user',
        'run',
        'status',
        'stream',
        'duration_ms',
        'ttfb_ms',
        ...USAGE_COLUMNS,
        'priced_model',
        'price_source',
        'flags',
        'note',
        // Last, so columns read by position stay where they were: where a record came from (proxy or local logs).
        'source',
        'tool',
        'session',
        'upstream_id',
      ];
      const rows = inRange.map(({ rec, day }): Cell[] => [
        rec.id,
        new Date(rec.ts).toISOString(),
        day,
        rec.provider,
        rec.operation,
        rec.model,
        rec.responseModel,
        rec.keyId,
        names.get(rec.keyId) ?? rec.keyLabel,
        rec.project,
        rec.user,
        rec.run,
        rec.status,
        rec.stream,
        rec.durationMs,
        rec.ttfbMs,
        rec.usage.inputTokens,
        rec.usage.cacheReadTokens,
        rec.usage.cacheWrite5mTokens,
        rec.usage.cacheWrite1hTokens,
        rec.usage.outputTokens,
        rec.usage.reasoningTokens,
        rec.costUsd === null ? null : roundUsd(rec.costUsd),
        rec.pricedModel,
        rec.priceSource,
        rec.flags.join(';'),
        rec.note ?? null,
        rec.source ?? 'proxy',
        rec.tool ?? null,
        rec.session ?? null,
        rec.upstreamId ?? null,
      ]);
      const note =
        missing === 0
          ? null
          : `${missing} of the ${counted} requests in this range are not in the file: Tollgate keeps only the most recent requests in full (Settings → recent requests kept). The rollup export has every day's totals.`;
      return { filename: name('requests', r), csv: toCsv(header, rows), rows: rows.length, missing, note };
    },
  });
}

/**
 * Float sums carry noise like 0.30000000000000004. Ten decimals strip it and keep what matters: a cheap call costs
 * a few hundred-millionths of a dollar per token, and rows must still add up to the totals.
 */
function roundUsd(v: number): number {
  return Math.round(v * 1e10) / 1e10;
}
