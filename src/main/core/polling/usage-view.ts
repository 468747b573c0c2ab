import type { KeyDto } from '../../contract/keys.js';
import type { Clock } from '../util/clock.js';
import type { StoredConnection } from './connections.js';
import { matchKeys, unmatchedKeyId, type KeyMatchResult } from './key-matching.js';
import type { ReportedSpendRow } from '../budgets/reported-spend.js';
import type { UsageSource } from './types.js';
import type { StoredUsage, UsageStore } from './usage-store.js';

/** A stored bucket with the Tollgate key it belongs to. */
export interface MappedUsage {
  row: StoredUsage;
  connection: StoredConnection;
  source: UsageSource;
  keyId: string;
  /** The provider's name for the key, else the Tollgate key's name. */
  keyName: string | null;
  redacted: string | null;
  match: KeyMatchResult | null;
}

export interface UsageView {
  mapped(fromMs?: number, toMs?: number): MappedUsage[];
  reportedRows(fromMs: number, toMs: number): ReportedSpendRow[];
  /** Bump when a connection's key list changed. */
  invalidate(): void;
}

/** Tollgate's own keys change as passthrough keys are first seen; matches are recomputed at most this often. */
const MATCH_TTL_MS = 10_000;

export function createUsageView(deps: {
  store: UsageStore;
  connections: () => StoredConnection[];
  sourceOf: (provider: string) => UsageSource | undefined;
  tollgateKeys: () => KeyDto[];
  clock: Clock;
}): UsageView {
  let cache: { at: number; maps: Map<string, Map<string, KeyMatchResult>> } | null = null;

  const keyMaps = () => {
    const now = deps.clock.now();
    if (cache && now - cache.at < MATCH_TTL_MS) return cache.maps;
    const tollgate = deps.tollgateKeys();
    const maps = new Map<string, Map<string, KeyMatchResult>>();
    for (const c of deps.connections()) {
      const source = deps.sourceOf(c.provider);
      if (source) maps.set(c.id, matchKeys(c.keys, tollgate, source.routeId));
    }
    cache = { at: now, maps };
    return maps;
  };

  const mapped = (fromMs?: number, toMs?: number): MappedUsage[] => {
    const conns = new Map(deps.connections().map((c) => [c.id, c]));
    const maps = keyMaps();
    const out: MappedUsage[] = [];
    for (const row of deps.store.usage(fromMs, toMs)) {
      const connection = conns.get(row.connectionId);
      const source = connection && deps.sourceOf(connection.provider);
      if (!connection || !source) continue;
      const match = row.providerKeyId === null ? null : (maps.get(connection.id)?.get(row.providerKeyId) ?? null);
      const info = row.providerKeyId === null ? undefined : connection.keys.find((k) => k.id === row.providerKeyId);
      out.push({
        row,
        connection,
        source,
        keyId: match?.keyId ?? unmatchedKeyId(source.routeId, row.providerKeyId),
        keyName: info?.name ?? match?.tollgateName ?? null,
        redacted: info?.redacted ?? null,
        match,
      });
    }
    return out;
  };

  return {
    mapped,
    reportedRows(fromMs, toMs) {
      return mapped(fromMs, toMs).map((m) => ({
        provider: m.source.routeId,
        keyId: m.keyId,
        providerKeyId: m.row.providerKeyId,
        model: m.row.model,
        project: m.match?.tollgateProject ?? m.row.project,
        start: m.row.start,
        end: m.row.end,
        costUsd: m.row.costUsd ?? 0,
        inputTokens: m.row.usage.inputTokens,
        outputTokens: m.row.usage.outputTokens,
        asOf: m.row.asOf,
      }));
    },
    invalidate() {
      cache = null;
    },
  };
}
