import type { ApiPart, BudgetApiSpec } from '../../contract/api.js';
import { BUDGET_CHANNELS } from '../../contract/api-budgets.js';

/** Transitional: the budget engine is being built; its channels answer with a clear error until then. */
export function unavailableBudgetApi(): ApiPart<BudgetApiSpec> {
  return Object.fromEntries(
    BUDGET_CHANNELS.map((c) => [c, async () => Promise.reject(new Error('Budgets are not available in this build yet.'))]),
  ) as unknown as ApiPart<BudgetApiSpec>;
}
