import type { RequestRecord, RollupRow } from '../../contract/usage.js';
import { boundRecord, boundRollupKeys } from './bounds.js';
import { addRecord, addTotals, bucketKey, emptyRollup, rollupKey } from './rollups.js';

export interface LedgerSnapshot {
  version: 1;
  recent: RequestRecord[];
  rollups: RollupRow[];
  /** With a history database: the seq of the last record these rollups count (see history/reconcile.ts). */
  historySeq?: number;
}

/** The ledger's view of the history database (history/history.ts). */
export interface LedgerHistory {
  append(r: RequestRecord): number;
  readonly lastSeq: number;
  latest(limit: number): RequestRecord[];
  archiveRollups(rows: readonly RollupRow[]): void;
  archivedRollups(from?: string, to?: string): RollupRow[];
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
  /** The history seq the stored summary counts up to (0 without history). */
  readonly historySeq: number;
  /** Counts a record already in the history database (a restart's replay): no second append. */
  replay(r: RequestRecord, seq: number): void;
  /** Moves day rollups before `day` to the history database, so the small store keeps only recent days. */
  archiveBefore(day: string): number;
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
  /**
   * The history database: every record is appended to it before it is counted here, the recent list is read
   * back from it at start rather than stored, and old day rollups move to it.
   */
  history?: LedgerHistory;
}): Ledger {
  const history = deps.history;
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
  let historySeq = typeof snap?.historySeq === 'number' && Number.isFinite(snap.historySeq) ? snap.historySeq : 0;
  if (history) {
    // A store from before the history database: its recent list goes in first, counted already (seq ≤ mark).
    // With no stored ledger at all the mark stays 0: whatever the history holds is counted from it.
    if (snap && snap.historySeq === undefined) {
      for (const r of ring) history.append(r);
      historySeq = history.lastSeq;
    }
    ring = history.latest(deps.recentLimit());
    head = 0;
  }

  function ordered(): RequestRecord[] {
    return head === 0 ? ring.slice() : ring.slice(head).concat(ring.slice(0, head));
  }

  /** `listed`: also into the recent list (a replayed record is there already: the list was read from history). */
  function count(r: RequestRecord, listed: boolean) {
    if (listed) {
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
    }
      const day = deps.dayKey(r.ts);
      const key = bucketKey(day, r.provider, r.keyId, r.model, r.project, r.user, r.run);
      let row = rollups.get(key);
      if (!row) rollups.set(key, (row = emptyRollup(day, r.provider, r.keyId, r.model, r.project, r.user, r.run)));
      addRecord(row, r);
  }

  return {
    record(input) {
      const r = boundRecord(input);
      // On disk first: what is counted below is also in the history, whatever happens next.
      if (history) historySeq = history.append(r);
      count(r, true);
      deps.onChange();
      deps.onRecord?.(r);
    },
    replay(r, seq) {
      count(boundRecord(r), false);
      historySeq = Math.max(historySeq, seq);
      deps.onChange();
    },
    get historySeq() {
      return historySeq;
    },
    archiveBefore(day) {
      if (!history) return 0;
      const old = [...rollups.entries()].filter(([, row]) => row.day < day);
      if (old.length === 0) return 0;
      history.archiveRollups(old.map(([, row]) => row));
      for (const [k] of old) rollups.delete(k);
      deps.onChange();
      return old.length;
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
      // Archived days and in-memory days can overlap only for a late record of an old day: both are partial
      // sums of that day, so readers that sum rows (all of them) count each request once.
      const out: RollupRow[] = history ? history.archivedRollups(from, to) : [];
      for (const row of rollups.values()) {
        if (from && row.day < from) continue;
        if (to && row.day > to) continue;
        out.push(row);
      }
      return out;
    },
    snapshot: () =>
      history
        ? { version: 1, recent: [], rollups: [...rollups.values()], historySeq }
        : { version: 1, recent: ordered(), rollups: [...rollups.values()] },
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
