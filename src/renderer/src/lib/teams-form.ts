/** The teams editor's rows as text fields, and back; and the allocation form's targets. Pure. */
import type { AllocationParent, AllocationRequest, AllocationTarget, TeamsConfig } from '../../../main/contract/hierarchy';

export interface TeamRow {
  id: string;
  name: string;
  /** Comma-separated, as typed. */
  projects: string;
  keys: string;
  users: string;
}

export const list = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export function toRows(cfg: TeamsConfig): TeamRow[] {
  return cfg.teams.map((t) => ({ id: t.id, name: t.name, projects: t.projects.join(', '), keys: t.keys.join(', '), users: t.users.join(', ') }));
}

export function fromRows(organization: string, rows: readonly TeamRow[]): TeamsConfig {
  return { organization: organization.trim(), teams: rows.map((r) => ({ id: r.id.trim(), name: r.name.trim(), projects: list(r.projects), keys: list(r.keys), users: list(r.users) })) };
}

/** What a target can be under a parent: the organization splits across teams; a team across its projects and users. */
export function targetsUnder(parent: AllocationParent, cfg: TeamsConfig): AllocationTarget[] {
  if (parent.level === 'org') return cfg.teams.map((t) => ({ level: 'team', id: t.id }));
  const t = cfg.teams.find((x) => x.id === parent.id);
  if (!t) return [];
  return [...t.projects.map((id) => ({ level: 'project' as const, id })), ...t.users.map((id) => ({ level: 'user' as const, id }))];
}

export type Strategy = AllocationRequest['strategy'];

/** The form's state: one figure per target (a weight, an estimate, or last period's spend left blank for the ledger's). */
export interface AllocationForm {
  strategy: Strategy;
  parent: string; // "org" or a team id
  total: string;
  growth: string;
  pool: string;
  figures: Record<string, string>;
}

export const targetKey = (t: AllocationTarget) => `${t.level}:${t.id}`;

const num = (s: string) => (s.trim() === '' ? NaN : Number(s));

export function parentOf(f: AllocationForm): AllocationParent {
  return f.parent === 'org' ? { level: 'org' } : { level: 'team', id: f.parent };
}

/**
 * The request for allocation.propose. Targets left blank are left out (top-down, bottom-up) or take the ledger's
 * figure (proportional). The core validates the numbers and names the field; this only builds the shape.
 */
export function toRequest(f: AllocationForm, targets: readonly AllocationTarget[]): AllocationRequest {
  const parent = parentOf(f);
  const fig = (t: AllocationTarget) => num(f.figures[targetKey(t)] ?? '');
  if (f.strategy === 'top-down') {
    return { strategy: 'top-down', parent, totalUsd: num(f.total), targets: targets.filter((t) => !Number.isNaN(fig(t))).map((t) => ({ ...t, weight: fig(t) })) };
  }
  if (f.strategy === 'bottom-up') {
    return { strategy: 'bottom-up', parent, targets: targets.filter((t) => !Number.isNaN(fig(t))).map((t) => ({ ...t, estimateUsd: fig(t) })) };
  }
  return {
    strategy: 'proportional',
    parent,
    growthPercent: num(f.growth),
    discretionaryUsd: num(f.pool),
    targets: targets.map((t) => (Number.isNaN(fig(t)) ? { ...t } : { ...t, lastUsd: fig(t) })),
  };
}
