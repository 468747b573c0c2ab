import type { ApiPart, BudgetApiSpec, HierarchyApiSpec } from '../../contract/api.js';
import type { Budget } from '../../contract/budgets.js';

/**
 * Budgets made or changed through the API answer with the hierarchy's over-allocation warnings they cause: a
 * child's budgets may add up to more than the parent's (teams over-commit on purpose), but never silently.
 */
export function withHierarchyWarnings(api: ApiPart<BudgetApiSpec>, check: ApiPart<HierarchyApiSpec>['hierarchy.check']): ApiPart<BudgetApiSpec> {
  const warn = async (b: Budget): Promise<Budget & { warnings?: string[] }> => {
    // The budget is made by now: a check that fails must not turn its success into an error.
    const warnings = await check({ id: b.id, scope: b.scope, period: b.period, limitUsd: b.limitUsd }).then(
      (r) => r.warnings,
      () => [],
    );
    return warnings.length > 0 ? { ...b, warnings } : b;
  };
  return {
    ...api,
    'budgets.create': async (input) => warn(await api['budgets.create'](input)),
    'budgets.update': async (input) => warn(await api['budgets.update'](input)),
  };
}
