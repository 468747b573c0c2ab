import type { AllocationTarget } from '../../contract/hierarchy.js';
import type { RollupRow } from '../../contract/usage.js';

/**
 * Spend per allocation target over the given rollup rows (the last whole period): a team's is every row its
 * team resolution places in it; a project's, key's or user's is the rows naming it.
 */
export function spendByTarget(rows: readonly RollupRow[], teamOf: (f: { keyId: string; user: string | null; project: string | null }) => string | null): (t: AllocationTarget) => number {
  const sums = new Map<string, number>();
  const add = (k: string, usd: number) => sums.set(k, (sums.get(k) ?? 0) + usd);
  for (const r of rows) {
    const team = teamOf({ keyId: r.keyId, user: r.user ?? null, project: r.project });
    if (team !== null) add(`team\u0000${team}`, r.costUsd);
    if (r.project !== null) add(`project\u0000${r.project}`, r.costUsd);
    if (r.user) add(`user\u0000${r.user}`, r.costUsd);
    add(`key\u0000${r.keyId}`, r.costUsd);
  }
  return (t) => sums.get(`${t.level}\u0000${t.id}`) ?? 0;
}
