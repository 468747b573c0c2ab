import type { RequestRecord } from '../../contract/usage.js';
import type { Cell } from './csv.js';
import { USAGE_COLUMNS, roundUsd } from './usage-columns.js';

/** The request export's columns, shared by the CSV channel and the streamed history export. */
export const REQUEST_COLUMNS = [
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

/** One record as a row of REQUEST_COLUMNS. */
export function requestCells(rec: RequestRecord, day: string, keyName: string | null): Cell[] {
  return [
        rec.id,
        new Date(rec.ts).toISOString(),
        day,
        rec.provider,
        rec.operation,
        rec.model,
        rec.responseModel,
        rec.keyId,
        keyName ?? rec.keyLabel,
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
  ];
}
