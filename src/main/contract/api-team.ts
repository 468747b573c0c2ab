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
  /** Budgets whose fail mode was set; the others have the team default (`defaultFailModes`). */
  failModes: Record<string, TeamFailMode>;
  /** The team default: the fail mode of a budget nobody set one for, by whether it has a hard stop. */
  defaultFailModes: { hardStop: TeamFailMode; noHardStop: TeamFailMode };
}

/** One instance's traffic on one day, as it last wrote it (every 10 s while it runs). */
export interface TeamMemberDay {
  instanceId: string;
  requests: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  /** When it was written. */
  at: number;
  byModel: Record<string, { requests: number; costUsd: number }>;
}

export interface TeamRollupDto {
  day: string;
  members: TeamMemberDay[];
  totals: { requests: number; costUsd: number };
}

export interface TeamApiSpec {
  /** Null when this Tollgate is not in team mode. */
  'team.status': { input: void; output: TeamStatusDto | null };
  'team.setFailMode': { input: { budgetId: string; mode: TeamFailMode | 'default' }; output: Record<string, TeamFailMode> };
  /** The team's traffic on a day (default today), per instance and in total; null outside team mode. */
  'team.rollup': { input: { day?: string } | void; output: TeamRollupDto | null };
}

export const TEAM_CHANNELS = ['team.status', 'team.setFailMode', 'team.rollup'] as const satisfies readonly (keyof TeamApiSpec)[];
