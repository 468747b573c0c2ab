import type { HierarchyNode } from '../../contract/hierarchy.js';
import { periodWord } from './levels.js';

/** A node's budgets as the check needs them: whole ones with a dollar limit, by period signature. */
export interface Limit {
  signature: string;
  period: HierarchyNode['budgets'][number]['period'];
  limitUsd: number;
}

const cents = (n: number) => `$${n.toFixed(2)}`;

/** The tightest whole dollar limit of the node per period signature (two monthly team budgets: the lower governs). */
export function limitsOf(node: HierarchyNode, signatureOf: (b: HierarchyNode['budgets'][number]) => string): Map<string, Limit> {
  const out = new Map<string, Limit>();
  for (const b of node.budgets) {
    if (!b.whole || b.limitUsd === null) continue;
    const sig = signatureOf(b);
    const seen = out.get(sig);
    if (!seen || b.limitUsd < seen.limitUsd) out.set(sig, { signature: sig, period: b.period, limitUsd: b.limitUsd });
  }
  return out;
}

/**
 * Warnings for one parent and one group of its children (a team's projects, or its users): for each period the
 * parent budgets, the children's budgets of that period added up, when they come to more than the parent's.
 * Allowed (teams over-commit on purpose, expecting not all to spend it), but said.
 */
export function overAllocation(
  parent: HierarchyNode,
  children: readonly HierarchyNode[],
  groupWord: string,
  signatureOf: (b: HierarchyNode['budgets'][number]) => string,
): string[] {
  const warnings: string[] = [];
  for (const lim of limitsOf(parent, signatureOf).values()) {
    let sum = 0;
    const named: string[] = [];
    for (const c of children) {
      const cl = limitsOf(c, signatureOf).get(lim.signature);
      if (!cl) continue;
      sum += cl.limitUsd;
      named.push(`${c.name} ${cents(cl.limitUsd)}`);
    }
    // A cent of slack: limits are entered in cents and summed in floating point.
    if (sum > lim.limitUsd + 0.005) {
      warnings.push(
        `${parent.name}: the ${periodWord(lim.period)} budgets of its ${groupWord} add up to ${cents(sum)}, more than its own ${cents(lim.limitUsd)} (${named.join(', ')}).`,
      );
    }
  }
  return warnings;
}
