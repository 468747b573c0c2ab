import type { BudgetPeriod, BudgetScope } from '../../contract/budgets.js';
import type { HierarchyLevel } from '../../contract/hierarchy.js';

/** Where a budget sits in the tree: its most specific hierarchy field (key, user, project, team), else the organization. */
export function levelOf(scope: BudgetScope): { level: HierarchyLevel; id: string | null } {
  if (scope.keyId) return { level: 'key', id: scope.keyId };
  if (scope.user) return { level: 'user', id: scope.user };
  if (scope.project) return { level: 'project', id: scope.project };
  if (scope.team) return { level: 'team', id: scope.team };
  return { level: 'org', id: null };
}

/** The budget covers its node whole: one hierarchy field at most, and no provider, model or run narrowing it. */
export function isWhole(scope: BudgetScope): boolean {
  if (scope.provider || scope.model || scope.run) return false;
  return [scope.keyId, scope.user, scope.project, scope.team].filter(Boolean).length <= 1;
}

/** Periods compare equal only when they reset together: a weekly child is not part of a monthly parent's sum. */
export function periodSignature(p: BudgetPeriod | undefined): string {
  const q = p ?? { kind: 'month' };
  switch (q.kind) {
    case 'month':
      return `month:${q.billingDay ?? 1}`;
    case 'week':
      return `week:${q.weekStartsOn ?? 1}`;
    case 'rolling':
      return `rolling:${q.days}`;
    default:
      return q.kind;
  }
}

export function periodWord(p: BudgetPeriod | undefined): string {
  const q = p ?? { kind: 'month' };
  switch (q.kind) {
    case 'day':
      return 'daily';
    case 'week':
      return 'weekly';
    case 'month':
      return 'monthly';
    case 'rolling':
      return `${q.days}-day`;
    case 'total':
      return 'lifetime';
  }
}
