import type { BudgetInput, BudgetPeriod, BudgetScope } from '../../contract/budgets.js';
import type { AllocationItem, AllocationParent, AllocationProposal, AllocationRequest, AllocationTarget } from '../../contract/hierarchy.js';

/** What a proposal needs besides the request: names to put on budgets, and last month's spend per target. */
export interface ProposeContext {
  teamName: (id: string) => string;
  organization: string;
  /** Spend of the target in the last whole period (proportional only). */
  lastUsd: (t: AllocationTarget) => number;
}

const toCents = (usd: number) => Math.round(usd * 100);
const fromCents = (c: number) => c / 100;
const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * Splits whole cents by weight so the parts add up to the total exactly: each gets the floor of its share, and
 * the cents left go one each to the largest remainders (earliest first on a tie) — the largest-remainder method.
 */
export function splitCents(totalCents: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (totalCents * w) / sum);
  const parts = exact.map(Math.floor);
  let left = totalCents - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k]!.i]!++;
  return parts;
}

function scopeOf(t: AllocationTarget | AllocationParent): BudgetScope {
  switch (t.level) {
    case 'org':
      return {};
    case 'team':
      return { team: t.id };
    case 'project':
      return { project: t.id };
    case 'key':
      return { keyId: t.id };
    case 'user':
      return { user: t.id };
  }
}

function nameOf(t: AllocationTarget | AllocationParent, ctx: ProposeContext): string {
  if (t.level === 'org') return ctx.organization;
  if (t.level === 'team') return `Team ${ctx.teamName(t.id)}`;
  return `${t.level === 'key' ? 'Key' : t.level === 'user' ? 'User' : 'Project'} ${t.id}`;
}

function budgetFor(t: AllocationTarget | AllocationParent, limitUsd: number, period: BudgetPeriod, ctx: ProposeContext): BudgetInput {
  return { name: nameOf(t, ctx).slice(0, 100), scope: scopeOf(t), period, limitUsd, limitTokens: null };
}

/**
 * The budgeting guide's three ways to allocate a total across teams or projects. Each only proposes: the figures,
 * why, and the budgets to create; nothing changes until the user confirms them (the dashboard calls budgets.create).
 */
export function propose(req: AllocationRequest, ctx: ProposeContext): AllocationProposal {
  const period: BudgetPeriod = req.period ?? { kind: 'month' };
  const items: AllocationItem[] = [];
  const warnings: string[] = [];
  let parentCents: number;
  let unallocatedCents = 0;

  if (req.strategy === 'top-down') {
    parentCents = toCents(req.totalUsd);
    const shares = req.targets.map((t) => t.weight);
    const total = shares.reduce((a, b) => a + b, 0);
    splitCents(parentCents, shares).forEach((c, i) => {
      const t = req.targets[i]!;
      items.push({ level: t.level, id: t.id, limitUsd: fromCents(c), basis: `${t.weight} of ${total} shares of ${usd(req.totalUsd)}` });
    });
  } else if (req.strategy === 'bottom-up') {
    parentCents = 0;
    for (const t of req.targets) {
      const c = toCents(t.estimateUsd);
      parentCents += c;
      items.push({ level: t.level, id: t.id, limitUsd: fromCents(c), basis: `its own estimate, ${usd(fromCents(c))}` });
    }
    warnings.push(`Estimates add up to ${usd(fromCents(parentCents))}: review them before confirming; estimates tend to be padded.`);
  } else {
    const growth = 1 + req.growthPercent / 100;
    const pool = toCents(req.discretionaryUsd);
    const fresh: number[] = [];
    parentCents = 0;
    req.targets.forEach((t, i) => {
      const last = t.lastUsd ?? ctx.lastUsd(t);
      const c = toCents(last * growth);
      if (c <= 0) fresh.push(i);
      parentCents += Math.max(c, 0);
      items.push({ level: t.level, id: t.id, limitUsd: fromCents(Math.max(c, 0)), basis: `last period ${usd(last)} ${req.growthPercent >= 0 ? '+' : '−'} ${Math.abs(req.growthPercent)}%` });
    });
    // New projects have no history: the pool is theirs, in equal parts; with none, it stays with the parent.
    if (fresh.length > 0) {
      splitCents(pool, fresh.map(() => 1)).forEach((c, k) => {
        const it = items[fresh[k]!]!;
        it.limitUsd = fromCents(c);
        it.basis = `no spend last period: 1 of ${fresh.length} equal parts of the ${usd(fromCents(pool))} discretionary pool`;
      });
      if (pool === 0) warnings.push(`${fresh.length} target(s) had no spend last period and the discretionary pool is $0: they would get nothing.`);
    } else unallocatedCents = pool;
    parentCents += pool;
  }

  const parentUsd = fromCents(parentCents);
  // A budget needs a limit above zero: a $0 share proposes none.
  const budgets = [...(parentUsd > 0 ? [budgetFor(req.parent, parentUsd, period, ctx)] : []), ...items.filter((i) => i.limitUsd > 0).map((i) => budgetFor(i, i.limitUsd, period, ctx))];
  return {
    strategy: req.strategy,
    parent: { ...req.parent, limitUsd: parentUsd },
    items,
    unallocatedUsd: fromCents(unallocatedCents),
    budgets,
    warnings,
  };
}
