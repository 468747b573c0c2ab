/** The budget engine's part of the contract. */
import type { AuditEntry, Budget, BudgetAlert, BudgetInput, BudgetOverride, BudgetStatus, BudgetSuggestion } from './budgets.js';

export type * from './budgets.js';

export interface OverrideInput {
  budgetId: string;
  /** Raise the limit by dollars, or by a percentage of it; one of the two. */
  addUsd?: number;
  addPercent?: number;
  /** When it ends: an instant, or minutes from now. */
  expiresAt?: number;
  minutes?: number;
  reason: string;
}

export interface BudgetApiSpec {
  'budgets.list': { input: void; output: BudgetStatus[] };
  /** `warnings`: the budget takes its level of the hierarchy past its parent's budget (allowed, but said). */
  'budgets.create': { input: BudgetInput; output: Budget & { warnings?: string[] } };
  'budgets.update': { input: Partial<BudgetInput> & { id: string }; output: Budget & { warnings?: string[] } };
  'budgets.delete': { input: { id: string }; output: { deleted: boolean } };
  'budgets.override': { input: OverrideInput; output: BudgetOverride };
  'budgets.cancelOverride': { input: { id: string }; output: { cancelled: boolean } };
  'budgets.suggestions': { input: void; output: BudgetSuggestion[] };
  'alerts.recent': { input: { limit?: number }; output: BudgetAlert[] };
  'audit.list': { input: { limit?: number; kind?: string }; output: AuditEntry[] };
}

export const BUDGET_CHANNELS = [
  'budgets.list',
  'budgets.create',
  'budgets.update',
  'budgets.delete',
  'budgets.override',
  'budgets.cancelOverride',
  'budgets.suggestions',
  'alerts.recent',
  'audit.list',
] as const satisfies readonly (keyof BudgetApiSpec)[];

export interface BudgetEvents {
  /** A threshold, hard stop or guardrail crossed: exactly once per budget, period and tier. */
  'budget.alert': BudgetAlert;
  /** Budget statuses changed (throttled): the tray and dashboard redraw from this. */
  'budgets.changed': BudgetStatus[];
}

export const BUDGET_EVENTS = ['budget.alert', 'budgets.changed'] as const satisfies readonly (keyof BudgetEvents)[];
