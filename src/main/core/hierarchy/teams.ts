import type { TeamsConfig } from '../../contract/hierarchy.js';
import type { CallFacts } from '../budgets/scope.js';
import { teamsSchema } from './schemas.js';

export interface Teams {
  get(): TeamsConfig;
  /** Replaces the teams (already validated by the API's schema). */
  set(cfg: TeamsConfig): void;
  /** The team a call belongs to: its key's team, else its user's, else its project's; null for none. */
  teamOf(facts: Pick<CallFacts, 'keyId' | 'user' | 'project'>): string | null;
  snapshot(): TeamsConfig;
}

const EMPTY: TeamsConfig = { organization: 'Organization', teams: [] };

/**
 * The teams of the budget hierarchy, kept in their own store section. A stored section that no longer validates
 * (a hand edit) throws, so the core's loader keeps a copy of the file and starts with no teams.
 */
export function createTeams(deps: { initial?: unknown; onChange: () => void }): Teams {
  let cfg: TeamsConfig = deps.initial === undefined ? EMPTY : teamsSchema.parse(deps.initial);
  let byKey = new Map<string, string>();
  let byUser = new Map<string, string>();
  let byProject = new Map<string, string>();

  const index = () => {
    byKey = new Map();
    byUser = new Map();
    byProject = new Map();
    for (const t of cfg.teams) {
      for (const k of t.keys) byKey.set(k, t.id);
      for (const u of t.users) byUser.set(u, t.id);
      for (const p of t.projects) byProject.set(p, t.id);
    }
  };
  index();

  return {
    get: () => cfg,
    set(next) {
      cfg = next;
      index();
      deps.onChange();
    },
    teamOf(f) {
      // The key first: a member's own Tollgate key says whose spend it is more surely than a header can.
      return byKey.get(f.keyId) ?? (f.user !== null ? byUser.get(f.user) : undefined) ?? (f.project !== null ? byProject.get(f.project) : undefined) ?? null;
    },
    snapshot: () => cfg,
  };
}
