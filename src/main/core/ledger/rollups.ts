import type { RequestRecord, RollupRow } from '../../contract/usage.js';
import { addUsage, emptyUsage } from '../util/token-usage.js';

export type RollupDimension = 'day' | 'provider' | 'keyId' | 'model' | 'project' | 'user' | 'run';

type RollupKeyFields = Pick<RollupRow, 'day' | 'provider' | 'keyId' | 'model' | 'project' | 'user' | 'run'>;

/** A row's bucket: day × provider × key × model × project × user × run. A stored row without user or run is null there. */
export function rollupKey(r: RollupKeyFields): string {
  return bucketKey(r.day, r.provider, r.keyId, r.model, r.project, r.user ?? null, r.run ?? null);
}

/** The same key from its parts: the ledger's record path builds it this way, with no object per request. */
export function bucketKey(day: string, provider: string, keyId: string, model: string, project: string | null, user: string | null, run: string | null): string {
  return `${day}\u0000${provider}\u0000${keyId}\u0000${model}\u0000${project ?? ''}\u0000${user ?? ''}\u0000${run ?? ''}`;
}

export function emptyRollup(day: string, provider: string, keyId: string, model: string, project: string | null, user: string | null = null, run: string | null = null): RollupRow {
  return {
    day,
    provider,
    keyId,
    model,
    project,
    user,
    run,
    requests: 0,
    errors: 0,
    partial: 0,
    unpricedRequests: 0,
    ...emptyUsage(),
    costUsd: 0,
  };
}

export function addRecord(row: RollupRow, r: RequestRecord): void {
  row.requests++;
  if (r.flags.includes('error') || r.flags.includes('blocked')) row.errors++;
  if (r.flags.includes('partial')) row.partial++;
  if (r.costUsd === null) row.unpricedRequests++;
  else row.costUsd += r.costUsd;
  addUsage(row, r.usage);
}

const SUMMED = [
  'requests',
  'errors',
  'partial',
  'unpricedRequests',
  'inputTokens',
  'cacheReadTokens',
  'cacheWrite5mTokens',
  'cacheWrite1hTokens',
  'outputTokens',
  'reasoningTokens',
  'costUsd',
] as const;

export type SpendTotals = Pick<RollupRow, (typeof SUMMED)[number]>;
export type SpendGroup = Partial<Pick<RollupRow, RollupDimension>> & SpendTotals;

export function emptyTotals(): SpendTotals {
  return Object.fromEntries(SUMMED.map((k) => [k, 0])) as SpendTotals;
}

export function addTotals(into: SpendTotals, row: SpendTotals): void {
  for (const k of SUMMED) into[k] += row[k];
}

/** Sums rollup rows into groups along the chosen dimensions (rows may carry more, such as their source). */
export function groupRollups<R extends RollupRow, D extends keyof R & string = RollupDimension>(rows: Iterable<R>, by: readonly D[]): SpendGroup[] {
  const groups = new Map<string, SpendGroup>();
  for (const row of rows) {
    const key = by.map((d) => row[d] ?? '').join('\u0000');
    let g = groups.get(key);
    if (!g) {
      g = emptyTotals() as SpendGroup;
      // Rows stored before user and run were kept have neither: they group, and show, as null.
      for (const d of by) (g as Record<string, unknown>)[d] = row[d] ?? null;
      groups.set(key, g);
    }
    addTotals(g, row);
  }
  return [...groups.values()];
}
