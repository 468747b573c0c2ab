/** Team mode (shared budgets on Redis): its status and each budget's fail mode. */
export type TeamFailMode = 'open' | 'closed' | 'local';

export interface TeamStatusDto {
  /** The Redis address, password hidden. */
  redis: string;
  link: 'up' | 'down';
  downSince: number | null;
  /** Settled calls whose spend waits for the link to reach the team's counters. */
  pendingReplay: number;
  instanceId: string;
  /** Budgets whose fail mode was set; the others have the default (closed with a hard stop, open without). */
  failModes: Record<string, TeamFailMode>;
}

export interface TeamApiSpec {
  /** Null when this Tollgate is not in team mode. */
  'team.status': { input: void; output: TeamStatusDto | null };
  'team.setFailMode': { input: { budgetId: string; mode: TeamFailMode | 'default' }; output: Record<string, TeamFailMode> };
}

export const TEAM_CHANNELS = ['team.status', 'team.setFailMode'] as const satisfies readonly (keyof TeamApiSpec)[];
