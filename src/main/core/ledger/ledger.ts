import type { RequestRecord, RollupRow } from '../../contract/usage.js';
import { boundRecord, boundRollupKeys } from './bounds.js';
import { addRecord, addTotals, bucketKey, emptyRollup, rollupKey } from './rollups.js';

export interface LedgerSnapshot {
  version: 1;
  recent: RequestRecord[];
  rollups: RollupRow[];
}

export interface RecentFilter {
  limit?: number;
  provider?: string;
  keyId?: string;
  model?: string;
  project?: string;
  flag?: string;
  /** Only records before this id's record (paging back). */
  beforeTs?: number;
}

export interface Ledger {
  record(r: RequestRecord): void;
  recent(filter?: RecentFilter): RequestRecord[];
  rollups(from?: string, to?: string): RollupRow[];
  snapshot(): LedgerSnapshot;
  readonly size: { recent: number; rollups: number };
}

/**
 * Recent requests in a bounded ring and rollups per day × provider × key × model × project × user × run. Totals come from
 * the rollups, so memory, the store file and each write stay bounded however many requests are made.
 */
export function createLedger(deps: {
  dayKey: (ms: number) => string;
  recentLimit: () => number;
  initial?: unknown;
  onChange: () => void;
  onRecord?: (r: RequestRecord) => void;
  /** Stored entries of the wrong shape were left out at load (a hand-edited or damaged file). */
  onDropped?: (count: number) => void;
}): Ledger {
  let ring: RequestRecord[] = [];
  let head = 0; // next write position once the ring is full
  const rollups = new Map<string, RollupRow>();

  const snap = deps.initial as Partial<LedgerSnapshot> | undefined;
  let dropped = 0;
  if (snap && Array.isArray(snap.recent)) {
    const good = snap.recent.filter(isRecord);
    dropped += snap.recent.length - good.length;
    ring = good.slice(-deps.recentLimit()).map(boundRecord);
  }
  if (snap && Array.isArray(snap.rollups)) {
    for (const row of snap.rollups) {
      if (!isRollupRow(row)) {
        dropped++;
        continue;
      }
      // Rows written before keys were bounded may collide once bounded: their totals are merged.
      const b = boundRollupKeys(row);
      const key = rollupKey(b);
      const seen = rollups.get(key);
      if (seen) addTotals(seen, b);
      else rollups.set(key, b);
    }
  }
  if (dropped > 0) deps.onDropped?.(dropped);

  function ordered(): RequestRecord[] {
    return head === 0 ? ring.slice() : ring.slice(head).concat(ring.slice(0, head));
  }

  return {
    record(input) {
      const r = boundRecord(input);
      const limit = Math.max(1, deps.recentLimit());
      if (ring.length > limit) {
        ring = ordered().slice(-limit);
        head = 0;
      }
      if (ring.length < limit) ring.push(r);
      else {
        ring[head] = r;
        head = (head + 1) % limit;
      }
      const day = deps.dayKey(r.ts);
      const key = bucketKey(day, r.provider, r.keyId, r.model, r.project, r.user, r.run);
      let row = rollups.get(key);
      if (!row) rollups.set(key, (row = emptyRollup(day, r.provider, r.keyId, r.model, r.project, r.user, r.run)));
      addRecord(row, r);
      deps.onChange();
      deps.onRecord?.(r);
    },
    recent(f = {}) {
      const out: RequestRecord[] = [];
      const limit = f.limit ?? 100;
      const all = ordered();
      for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
        const r = all[i]!;
        if (f.provider && r.provider !== f.provider) continue;
        if (f.keyId && r.keyId !== f.keyId) continue;
        if (f.model && r.model !== f.model) continue;
        if (f.project && r.project !== f.project) continue;
        if (f.flag && !r.flags.includes(f.flag as never)) continue;
        if (f.beforeTs !== undefined && r.ts >= f.beforeTs) continue;
        out.push(r);
      }
      return out;
    },
    rollups(from, to) {
      const out: RollupRow[] = [];
      for (const row of rollups.values()) {
        if (from && row.day < from) continue;
        if (to && row.day > to) continue;
        out.push(row);
      }
      return out;
    },
    snapshot: () => ({ version: 1, recent: ordered(), rollups: [...rollups.values()] }),
    get size() {
      return { recent: ring.length, rollups: rollups.size };
    },
  };
}

const NUMBERS = ['requests', 'errors', 'partial', 'unpricedRequests', 'inputTokens', 'cacheReadTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'outputTokens', 'reasoningTokens', 'costUsd'] as const;

/** Enough of a record's shape that listing, filtering and totals cannot throw or turn into NaN. */
function isRecord(r: unknown): r is RequestRecord {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  return typeof o.id === 'string' && Number.isFinite(o.ts) && typeof o.provider === 'string' && typeof o.model === 'string' && Array.isArray(o.flags) && typeof o.usage === 'object' && o.usage !== null;
}

function isRollupRow(r: unknown): r is RollupRow {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  return (
    typeof o.day === 'string' &&
    typeof o.provider === 'string' &&
    typeof o.keyId === 'string' &&
    typeof o.model === 'string' &&
    (o.project === null || typeof o.project === 'string') &&
    (o.user === undefined || o.user === null || typeof o.user === 'string') &&
    (o.run === undefined || o.run === null || typeof o.run === 'string') &&
    NUMBERS.every((k) => Number.isFinite(o[k]))
  );
}
