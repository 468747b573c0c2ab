/** Everything the ledger holds about one request, as label → words, for the detail panel in Activity. */
import type { RequestRecord } from '../../../main/contract/usage';
import { formatCount, formatDateTime, formatDuration, formatUsd } from './format';

const NONE = '—';
const tokens = (n: number) => formatCount(n);

export function requestDetailRows(r: RequestRecord, keyName: string, tz: string): [string, string][] {
  const u = r.usage;
  const rows: [string, string][] = [
    ['When', `${formatDateTime(r.ts, tz)}, took ${formatDuration(r.durationMs)}${r.ttfbMs !== null ? ` (first byte after ${formatDuration(r.ttfbMs)})` : ''}`],
    ['Provider', `${r.provider} · ${r.operation}${r.stream ? ' · streamed' : ''}`],
    ['Model', r.responseModel && r.responseModel !== r.model ? `${r.model} (answered by ${r.responseModel})` : r.model],
    ['Key', keyName === r.keyLabel ? keyName : `${keyName} (${r.keyLabel})`],
    ['Project', r.project ?? NONE],
    ['User', r.user ?? NONE],
    ['Run', r.run ?? NONE],
    ['Status', `${r.status || NONE}${r.flags.length ? ` · ${r.flags.join(', ')}` : ''}`],
    ['Input tokens', tokens(u.inputTokens)],
    ['  read from cache', tokens(u.cacheReadTokens)],
    ['  written to cache (5 min)', tokens(u.cacheWrite5mTokens)],
    ['  written to cache (1 h)', tokens(u.cacheWrite1hTokens)],
    ['Output tokens', tokens(u.outputTokens)],
    ['  reasoning', tokens(u.reasoningTokens)],
    ['Cost', r.costUsd === null ? 'unpriced' : formatUsd(r.costUsd, { precise: true })],
    ['Price entry', r.pricedModel ? `${r.pricedModel}${r.priceSource ? ` (${r.priceSource})` : ''}` : r.priceSource ?? 'none: no price known'],
  ];
  if (r.note) rows.push([r.flags.includes('error') || r.status >= 400 ? 'Error' : 'Note', r.note]);
  return rows;
}
