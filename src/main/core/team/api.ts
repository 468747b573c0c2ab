import type { TollgateApi } from '../../contract/api.js';
import type { TeamApiSpec } from '../../contract/api-team.js';
import { schemaApi } from '../util/schema.js';
import { NotFoundError, ValidationError } from '../util/validation.js';
import { teamSchemas } from './schemas.js';
import type { Team } from './team.js';

/** team.* : works without team mode too (status is null, setting a fail mode says why it cannot). */
export function createTeamApi(d: { team: () => Team | null; budgetExists: (id: string) => boolean }) {
  return schemaApi<TeamApiSpec>()(teamSchemas, {
    'team.status': async () => d.team()?.status() ?? null,
    'team.rollup': async ({ day }) => (await d.team()?.rollup(day)) ?? null,
    'team.setFailMode': async ({ budgetId, mode }) => {
      if (!d.budgetExists(budgetId)) throw new NotFoundError(`No budget with id "${budgetId}".`);
      const team = d.team();
      if (!team) throw new ValidationError('mode', 'team mode is off: start Tollgate with --redis URL (or TOLLGATE_REDIS_URL) to share budgets');
      return team.setFailMode(budgetId, mode);
    },
  });
}

/** The API calls that change what the team shares: after each, the team is told (team/sync.ts). */
const SHARED_EDITS = ['budgets.create', 'budgets.update', 'budgets.delete', 'budgets.override', 'budgets.cancelOverride', 'settings.update'] as const;

export function shareEdits(api: TollgateApi, team: Team): void {
  const table = api as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  for (const name of SHARED_EDITS) {
    const call = table[name]!;
    table[name] = async (input) => {
      const out = await call(input);
      team.shareDefinitions();
      return out;
    };
  }
}
