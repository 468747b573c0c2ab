import type { TeamFailMode, TeamStatusDto } from '../../../main/contract/api';

/** A budget's fail mode in the form: one of the modes, or the team default (nothing stored for the budget). */
export type FailModeChoice = TeamFailMode | 'default';

/** What each mode does while the team's Redis cannot be reached (docs/team.md, "When Redis is down"). */
export const FAIL_MODE_WORDS: Record<TeamFailMode, string> = {
  closed: 'blocks calls (closed)',
  open: "goes on against this machine's counters (open)",
  local: 'not shared: each machine counts it alone (local)',
};

/** The team default for a budget: it depends on whether the budget has a hard stop, as the core says. */
export function teamDefault(team: TeamStatusDto, hardStop: boolean): TeamFailMode {
  return hardStop ? team.defaultFailModes.hardStop : team.defaultFailModes.noHardStop;
}

/** The mode a budget has now, and whether that is the team default. */
export function failModeOf(team: TeamStatusDto, budgetId: string, hardStop: boolean): { mode: TeamFailMode; isDefault: boolean } {
  const set = team.failModes[budgetId];
  return set ? { mode: set, isDefault: false } : { mode: teamDefault(team, hardStop), isDefault: true };
}
