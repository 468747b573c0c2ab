import type { BudgetStatus } from '../../contract/budgets.js';
import type { HierarchyBudget, HierarchyLevel, HierarchyNode, HierarchyReport, TeamsConfig } from '../../contract/hierarchy.js';
import type { RollupRow } from '../../contract/usage.js';
import { isWhole, levelOf, periodSignature } from './levels.js';
import { overAllocation } from './overallocation.js';

export interface TreeInput {
  teams: TeamsConfig;
  /** Rollup rows of the report's days. */
  rows: readonly RollupRow[];
  statuses: readonly BudgetStatus[];
  /** Tollgate keys: a key's name, and the project it was made for (where a key with no spend yet is shown). */
  keys: ReadonlyArray<{ id: string; name: string; project: string | null }>;
  teamOf: (f: { keyId: string; user: string | null; project: string | null }) => string | null;
  from: string;
  to: string;
}

/** A node under construction: children by id ("" for the no-team / no-project / no-user bucket). */
interface Building {
  node: HierarchyNode;
  kids: Map<string, Building>;
  users: Map<string, Building>;
}

const NONE_WORDS: Record<HierarchyLevel, string> = { org: '', team: 'No team', project: 'No project', key: 'No key', user: 'No user' };

function make(level: HierarchyLevel, id: string | null, name: string): Building {
  return { node: { level, id, name, spendUsd: 0, requests: 0, budgets: [], percent: null, children: [], warnings: [] }, kids: new Map(), users: new Map() };
}

function child(map: Map<string, Building>, level: HierarchyLevel, id: string | null, name: () => string): Building {
  const k = id ?? '';
  let b = map.get(k);
  if (!b) map.set(k, (b = make(level, id, id === null ? NONE_WORDS[level] : name())));
  return b;
}

const sigOf = (b: HierarchyBudget) => periodSignature(b.period);

/**
 * The organization → team → project → key tree (and each team's users), with spend rolled up from the rollup
 * rows: every row is added to each node on its path, so a node's spend is exactly the sum of its projects' (and,
 * separately, of its users'), and the organization's is every row's. Budgets hang on the node their scope names;
 * per-run budgets are left out (they have a counter per run, not one for the node).
 */
export function buildTree(t: TreeInput): HierarchyReport {
  const root = make('org', null, t.teams.organization);
  const teamName = new Map(t.teams.teams.map((x) => [x.id, x.name]));
  const keyName = new Map(t.keys.map((k) => [k.id, k.name]));
  const team = (id: string | null) => child(root.kids, 'team', id, () => teamName.get(id!) ?? id!);
  const project = (tm: Building, id: string | null) => child(tm.kids, 'project', id, () => id!);
  const key = (pr: Building, id: string) => child(pr.kids, 'key', id, () => keyName.get(id) ?? id);
  const user = (tm: Building, id: string | null) => child(tm.users, 'user', id, () => id!);

  // Every defined team and its projects and users appear, spent or not: the tree is where budgets are planned.
  for (const d of t.teams.teams) {
    const tm = team(d.id);
    for (const p of d.projects) project(tm, p);
    for (const u of d.users) user(tm, u);
  }

  for (const r of t.rows) {
    const userId = r.user ?? null;
    const tm = team(t.teamOf({ keyId: r.keyId, user: userId, project: r.project }));
    const pr = project(tm, r.project);
    for (const b of [root, tm, pr, key(pr, r.keyId), user(tm, userId)]) {
      b.node.spendUsd += r.costUsd;
      b.node.requests += r.requests;
    }
  }

  for (const s of t.statuses) {
    if (s.run !== null || s.budget.scope.run) continue;
    const at = levelOf(s.budget.scope);
    const scope = s.budget.scope;
    let b: Building;
    if (at.level === 'org') b = root;
    else if (at.level === 'team') b = team(at.id);
    else if (at.level === 'user') b = user(team(scope.team ?? t.teamOf({ keyId: '', user: at.id, project: null })), at.id);
    else if (at.level === 'project') b = project(team(scope.team ?? t.teamOf({ keyId: '', user: null, project: at.id })), at.id);
    else {
      const home = t.keys.find((k) => k.id === at.id)?.project ?? scope.project ?? null;
      const pr = placeKey(root, at.id!) ?? project(team(t.teamOf({ keyId: at.id!, user: null, project: home })), home);
      b = key(pr, at.id!);
    }
    b.node.budgets.push({
      id: s.budget.id,
      name: s.budget.name,
      period: s.budget.period,
      limitUsd: s.budget.limitUsd,
      spentUsd: s.spentUsd,
      percent: s.percent,
      state: s.state,
      whole: isWhole(scope),
    });
    b.node.percent = Math.max(b.node.percent ?? 0, s.percent);
  }

  const warnings: string[] = [];
  // A team budget naming no defined team counts nothing: a typo, or a team removed since.
  for (const s of t.statuses) {
    const id = s.budget.scope.team;
    if (id && !teamName.has(id) && s.run === null) warnings.push(`Budget "${s.budget.name}" is scoped to team "${id}", which no team lists: it counts no calls.`);
  }
  const finish = (b: Building): HierarchyNode => {
    const kids = [...b.kids.values()].map(finish);
    const users = [...b.users.values()].map(finish);
    const n = b.node;
    if (n.level === 'org') n.warnings.push(...overAllocation(n, kids.filter((k) => k.id !== null), 'teams', sigOf));
    if (n.level === 'team' && n.id !== null) {
      n.warnings.push(...overAllocation(n, kids.filter((k) => k.id !== null), 'projects', sigOf));
      n.warnings.push(...overAllocation(n, users.filter((k) => k.id !== null), 'users', sigOf));
    }
    if (n.level === 'project') n.warnings.push(...overAllocation(n, kids, 'keys', sigOf));
    warnings.push(...n.warnings);
    n.children = [...sortNodes(kids), ...sortNodes(users)];
    return n;
  };
  const tree = finish(root);
  return { from: t.from, to: t.to, root: tree, warnings };
}

/** The project node a key already has spend under (the first, when it has been used for several projects). */
function placeKey(root: Building, keyId: string): Building | null {
  for (const tm of root.kids.values()) for (const pr of tm.kids.values()) if (pr.kids.has(keyId)) return pr;
  return null;
}

/** Named nodes by spend, highest first, then the no-team / no-project bucket last. */
function sortNodes(list: HierarchyNode[]): HierarchyNode[] {
  return list.sort((a, b) => (a.id === null ? 1 : 0) - (b.id === null ? 1 : 0) || b.spendUsd - a.spendUsd || a.name.localeCompare(b.name));
}
