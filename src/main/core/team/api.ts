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
