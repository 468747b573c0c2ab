/** The budget hierarchy (organization → team → project → key and user) and the allocation helpers. Types only. */
import type { BudgetInput, BudgetPeriod, BudgetState } from './budgets.js';

/** One team: the projects, Tollgate keys (key ids) and users it answers for. Each belongs to at most one team. */
export interface TeamDef {
  /** Short and stable: budgets name it in scope.team. Lower-case letters, digits, "-" and "_". */
  id: string;
  name: string;
  projects: string[];
  keys: string[];
  users: string[];
}

export interface TeamsConfig {
  /** The organization's name, shown at the top of the tree. */
  organization: string;
  teams: TeamDef[];
}

export type HierarchyLevel = 'org' | 'team' | 'project' | 'key' | 'user';

/** A budget at a node of the tree, with its utilization in its own period. */
export interface HierarchyBudget {
  id: string;
  name: string;
  period: BudgetPeriod;
  limitUsd: number | null;
  spentUsd: number;
  percent: number;
  state: BudgetState;
  /**
   * The budget names only this node (no provider, model or run on top): only these take part in the
   * over-allocation check, since a budget for one model of a team is not the team's share of its parent.
   */
  whole: boolean;
}

export interface HierarchyNode {
  level: HierarchyLevel;
  /** null for the organization and for the "no team / no project / no user" buckets. */
  id: string | null;
  name: string;
  /** Spend in the report's days, rolled up from every row below the node. */
  spendUsd: number;
  requests: number;
  budgets: HierarchyBudget[];
  /** The highest utilization among the node's budgets, in percent; null without budgets. */
  percent: number | null;
  /**
   * A team's children are its projects, then its users (two views of the same spend: each adds up to the team);
   * a project's are its keys; the organization's are its teams.
   */
  children: HierarchyNode[];
  /** Children's budgets adding up to more than this node's, in words. A warning, never an error. */
  warnings: string[];
}

export interface HierarchyReport {
  /** The days the spend covers (this month so far, in the configured zone). */
  from: string;
  to: string;
  root: HierarchyNode;
  /** Every node's warnings, for a banner. */
  warnings: string[];
}

export type AllocationTarget = { level: 'team' | 'project' | 'key' | 'user'; id: string };
export type AllocationParent = { level: 'org' } | { level: 'team'; id: string };

export type AllocationRequest =
  /** Top-down: a total split across the targets by weight. */
  | { strategy: 'top-down'; parent: AllocationParent; period?: BudgetPeriod; totalUsd: number; targets: Array<AllocationTarget & { weight: number }> }
  /** Bottom-up: the targets' estimates, summed into the parent's total for review. */
  | { strategy: 'bottom-up'; parent: AllocationParent; period?: BudgetPeriod; targets: Array<AllocationTarget & { estimateUsd: number }> }
  /**
   * Proportional: each target's spend in the last whole month plus the growth allowed; targets with no spend then
   * (new projects) share the discretionary pool equally. `lastUsd` overrides the ledger's figure for a target.
   */
  | {
      strategy: 'proportional';
      parent: AllocationParent;
      period?: BudgetPeriod;
      growthPercent: number;
      discretionaryUsd: number;
      targets: Array<AllocationTarget & { lastUsd?: number }>;
    };

export interface AllocationItem extends AllocationTarget {
  limitUsd: number;
  /** How the figure came about, in words: "3 of 6 shares of $1,000.00". */
  basis: string;
}

/** A proposal, never applied by itself: the dashboard creates the budgets the user confirms through budgets.create. */
export interface AllocationProposal {
  strategy: AllocationRequest['strategy'];
  parent: AllocationParent & { limitUsd: number };
  items: AllocationItem[];
  /** Kept at the parent, not given to any target (a discretionary pool nobody new claimed yet). */
  unallocatedUsd: number;
  /** Ready for budgets.create: the parent's budget first, then one per item. */
  budgets: BudgetInput[];
  warnings: string[];
}
