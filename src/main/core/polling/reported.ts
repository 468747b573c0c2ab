import type { BilledDayRow, ReportedKeyRow, ReportedModelRow, ReportedUsageResult } from '../../contract/polling.js';
import { utcDay } from './buckets.js';
import type { MappedUsage } from './usage-view.js';
import type { StoredBilled, StoredUsage } from './usage-store.js';

const addRequests = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : a + b);

/** Provider-reported usage per key and per model, and the providers' own daily cost figures beside it. */
export function buildReported(input: {
  from: string;
  to: string;
  mapped: MappedUsage[];
  billed: StoredBilled[];
  /** Usage of the billed rows' UTC days, to compare the provider's cost with Tollgate's pricing of its tokens. */
  usageOfBilledDays: StoredUsage[];
  providerOf: (connectionId: string) => string;
}): ReportedUsageResult {
  const keys = new Map<string, ReportedKeyRow>();
  const models = new Map<string, ReportedModelRow>();
  const totals = { costUsd: 0, inputTokens: 0, outputTokens: 0, asOf: null as number | null };

  for (const m of input.mapped) {
    const r = m.row;
    const priced = r.costUsd !== null;
    const cost = r.costUsd ?? 0;
    const kKey = `${m.connection.id}\u0000${r.providerKeyId ?? ''}`;
    let k = keys.get(kKey);
    if (!k) {
      k = {
        connectionId: m.connection.id,
        provider: m.source.routeId,
        providerKeyId: r.providerKeyId,
        keyId: m.keyId,
        name: m.keyName,
        redacted: m.redacted,
        match: m.match?.match ?? null,
        costUsd: 0,
        unpricedTokens: 0,
        inputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 0,
        requests: null,
        asOf: r.asOf,
      };
      keys.set(kKey, k);
    }
    k.costUsd += cost;
    if (!priced) k.unpricedTokens += r.usage.inputTokens + r.usage.outputTokens;
    k.inputTokens += r.usage.inputTokens;
    k.cacheReadTokens += r.usage.cacheReadTokens;
    k.cacheWriteTokens += r.usage.cacheWrite5mTokens + r.usage.cacheWrite1hTokens;
    k.outputTokens += r.usage.outputTokens;
    k.requests = addRequests(k.requests, r.requests);
    // A sum is only as fresh as its oldest part.
    k.asOf = Math.min(k.asOf, r.asOf);

    const mKey = `${m.source.routeId}\u0000${r.model ?? ''}`;
    let mm = models.get(mKey);
    if (!mm) {
      mm = { provider: m.source.routeId, model: r.model, costUsd: 0, priced: true, inputTokens: 0, outputTokens: 0, requests: null, asOf: r.asOf };
      models.set(mKey, mm);
    }
    mm.costUsd += cost;
    mm.priced &&= priced;
    mm.inputTokens += r.usage.inputTokens;
    mm.outputTokens += r.usage.outputTokens;
    mm.requests = addRequests(mm.requests, r.requests);
    mm.asOf = Math.min(mm.asOf, r.asOf);

    totals.costUsd += cost;
    totals.inputTokens += r.usage.inputTokens;
    totals.outputTokens += r.usage.outputTokens;
    totals.asOf = totals.asOf === null ? r.asOf : Math.min(totals.asOf, r.asOf);
  }

  const billed = new Map<string, BilledDayRow>();
  for (const b of input.billed) {
    const day = utcDay(b.start);
    const key = `${b.connectionId}\u0000${day}`;
    let row = billed.get(key);
    if (!row) {
      row = { connectionId: b.connectionId, provider: input.providerOf(b.connectionId), utcDay: day, costUsd: 0, itemisedUsd: 0, asOf: b.asOf };
      billed.set(key, row);
    }
    row.costUsd += b.costUsd;
    row.asOf = Math.min(row.asOf, b.asOf);
  }
  for (const u of input.usageOfBilledDays) {
    const row = billed.get(`${u.connectionId}\u0000${utcDay(u.start)}`);
    if (row) row.itemisedUsd += u.costUsd ?? 0;
  }

  return {
    from: input.from,
    to: input.to,
    keys: [...keys.values()].sort((a, b) => b.costUsd - a.costUsd),
    models: [...models.values()].sort((a, b) => b.costUsd - a.costUsd),
    billed: [...billed.values()].sort((a, b) => (a.utcDay < b.utcDay ? -1 : a.utcDay > b.utcDay ? 1 : 0)),
    totals,
  };
}
