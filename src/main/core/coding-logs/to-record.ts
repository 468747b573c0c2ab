import type { RequestFlag, RequestRecord } from '../../contract/usage.js';
import type { Pricer, PricingTarget } from '../pricing/pricer.js';
import type { LogEntry } from './entry.js';

const LABEL = { 'claude-code': 'Claude Code (local logs)', codex: 'Codex (local logs)' } as const;

/** An imported call as a ledger record, priced like a proxied one; a model the log did not name is unpriced. */
export function entryToRecord(e: LogEntry, id: string, pricer: Pricer, target: PricingTarget): RequestRecord {
  const q = e.model ? pricer.quote(target, e.model, e.usage, { at: e.ts }) : { costUsd: null, pricedModel: null, source: null };
  const flags: RequestFlag[] = [];
  if (q.costUsd === null) flags.push('unpriced');
  if (e.subscription) flags.push('subscription');
  return {
    id,
    ts: e.ts,
    durationMs: 0,
    ttfbMs: null,
    provider: e.provider,
    operation: e.operation,
    model: e.model ?? 'unknown',
    responseModel: e.model,
    keyId: `logs:${e.tool}`,
    keyLabel: LABEL[e.tool],
    project: e.project,
    user: null,
    run: null,
    status: 200,
    stream: true,
    usage: e.usage,
    costUsd: q.costUsd,
    pricedModel: q.pricedModel,
    priceSource: q.source,
    flags,
    source: 'logs',
    tool: e.tool,
    ...(e.session ? { session: e.session } : {}),
    ...(e.upstreamId ? { upstreamId: e.upstreamId } : {}),
  };
}
