/** The hierarchy's part of the contract: the teams, the tree with its rollups, and allocation proposals. */
import type { BudgetPeriod, BudgetScope } from './budgets.js';
import type { AllocationProposal, AllocationRequest, HierarchyReport, TeamsConfig } from './hierarchy.js';

export type * from './hierarchy.js';

/** A budget as the form holds it; `id` when editing one, so it is not counted twice. */
export interface HierarchyCheckInput {
  id?: string;
  scope: BudgetScope;
  period?: BudgetPeriod;
  limitUsd: number | null;
}

export interface HierarchyApiSpec {
  'teams.get': { input: void; output: TeamsConfig };
  /** Replaces the teams; the answer carries over-allocation warnings the new teams produce. */
  'teams.set': { input: TeamsConfig; output: { teams: TeamsConfig; warnings: string[] } };
  'hierarchy.report': { input: void; output: HierarchyReport };
  /** Checks a budget before it is made: warnings if it would take its level past its parent's budget. */
  'hierarchy.check': { input: HierarchyCheckInput; output: { warnings: string[] } };
  'allocation.propose': { input: AllocationRequest; output: AllocationProposal };
}

export const HIERARCHY_CHANNELS = ['teams.get', 'teams.set', 'hierarchy.report', 'hierarchy.check', 'allocation.propose'] as const satisfies readonly (keyof HierarchyApiSpec)[];
