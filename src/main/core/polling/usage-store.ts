import type { BilledBucket, TimeWindow, UsageBucket } from './types.js';

export interface StoredUsage extends UsageBucket {
  connectionId: string;
  /** When Tollgate fetched this bucket from the provider. */
  asOf: number;
  /** The bucket's dollars: the provider's own figure, else Tollgate's pricing of its tokens; null if unpriced. */
  costUsd: number | null;
  pricedModel: string | null;
  priceSource: string | null;
}

export interface StoredBilled extends BilledBucket {
  connectionId: string;
  asOf: number;
}

export interface UsageStoreSnapshot {
  usage: StoredUsage[];
  billed: StoredBilled[];
}

export interface UsageStore {
  /**
   * Replaces everything stored for the connection whose bucket starts inside the window with these rows.
   * A window is only ever replaced by a complete fetch of it, so polling it again can never count twice, and a
   * bucket the provider revised or dropped is revised or dropped here too.
   */
  replaceUsage(connectionId: string, window: TimeWindow, rows: StoredUsage[]): void;
  replaceBilled(connectionId: string, window: TimeWindow, rows: StoredBilled[]): void;
  /** Rows whose bucket starts in [fromMs, toMs). */
  usage(fromMs?: number, toMs?: number): StoredUsage[];
  billed(fromMs?: number, toMs?: number): StoredBilled[];
  removeConnection(id: string): void;
  /** Drops buckets that started before this instant; the store stays bounded. */
  prune(beforeMs: number): void;
  snapshot(): UsageStoreSnapshot;
  /** Bumped on every change, for caches. */
  readonly version: number;
}

/** Rows within one fetch that share every dimension are one bucket (e.g. service tiers Tollgate does not split). */
function usageIdentity(r: StoredUsage): string {
  return [r.kind, r.start, r.providerKeyId ?? '', r.model ?? '', r.project ?? '', r.batch ? 1 : 0, String(r.longContext)].join('\u0000');
}

function mergeInto(into: StoredUsage, r: StoredUsage): void {
  into.end = Math.max(into.end, r.end);
  into.requests = into.requests === null || r.requests === null ? (into.requests ?? r.requests) : into.requests + r.requests;
  for (const k of Object.keys(into.usage) as (keyof StoredUsage['usage'])[]) into.usage[k] += r.usage[k];
  into.costUsd = into.costUsd === null || r.costUsd === null ? null : into.costUsd + r.costUsd;
}

function dedupe(rows: StoredUsage[]): StoredUsage[] {
  const byKey = new Map<string, StoredUsage>();
  for (const r of rows) {
    const k = usageIdentity(r);
    const have = byKey.get(k);
    if (have) mergeInto(have, r);
    else byKey.set(k, { ...r, usage: { ...r.usage } });
  }
  return [...byKey.values()];
}

const inside = (start: number, w: TimeWindow) => start >= w.fromMs && start < w.toMs;

export function createUsageStore(initial?: unknown): UsageStore {
  const snap = (initial ?? {}) as Partial<UsageStoreSnapshot>;
  let usage: StoredUsage[] = Array.isArray(snap.usage) ? snap.usage.filter((r) => r && typeof r.start === 'number' && r.usage) : [];
  let billed: StoredBilled[] = Array.isArray(snap.billed) ? snap.billed.filter((r) => r && typeof r.start === 'number') : [];
  let version = 0;

  const between = <T extends { start: number }>(rows: T[], from?: number, to?: number) =>
    rows.filter((r) => (from === undefined || r.start >= from) && (to === undefined || r.start < to));

  return {
    replaceUsage(connectionId, window, rows) {
      usage = usage.filter((r) => r.connectionId !== connectionId || !inside(r.start, window));
      usage.push(...dedupe(rows.filter((r) => inside(r.start, window))));
      version++;
    },
    replaceBilled(connectionId, window, rows) {
      billed = billed.filter((r) => r.connectionId !== connectionId || !inside(r.start, window));
      billed.push(...rows.filter((r) => inside(r.start, window)));
      version++;
    },
    usage: (from, to) => between(usage, from, to),
    billed: (from, to) => between(billed, from, to),
    removeConnection(id) {
      usage = usage.filter((r) => r.connectionId !== id);
      billed = billed.filter((r) => r.connectionId !== id);
      version++;
    },
    prune(before) {
      const u = usage.length;
      const b = billed.length;
      usage = usage.filter((r) => r.start >= before);
      billed = billed.filter((r) => r.start >= before);
      if (usage.length !== u || billed.length !== b) version++;
    },
    snapshot: () => ({ usage, billed }),
    get version() {
      return version;
    },
  };
}
