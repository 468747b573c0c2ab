import type { BudgetScope } from '../../contract/budgets.js';

export interface CallFacts {
  provider: string;
  keyId: string;
  model: string;
  project: string | null;
  user: string | null;
  run: string | null;
  /** The call's team in the hierarchy; absent or null when it has none (see scope-index.ts for who resolves it). */
  team?: string | null;
}

/** A model pattern matches exactly, or as a prefix when it ends in "*" ("claude-opus-*"). */
export function matchesPattern(pattern: string, value: string): boolean {
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : pattern === value;
}

/** Every field the scope sets must match; `run: "*"` matches any call that belongs to a run. */
export function inScope(scope: BudgetScope, c: CallFacts): boolean {
  if (scope.provider !== undefined && scope.provider !== c.provider) return false;
  if (scope.keyId !== undefined && scope.keyId !== c.keyId) return false;
  if (scope.project !== undefined && scope.project !== c.project) return false;
  if (scope.user !== undefined && scope.user !== c.user) return false;
  if (scope.model !== undefined && !matchesPattern(scope.model, c.model)) return false;
  if (scope.team !== undefined && scope.team !== c.team) return false;
  if (scope.run !== undefined) {
    if (!c.run) return false;
    if (scope.run !== '*' && scope.run !== c.run) return false;
  }
  return true;
}

/** Describes a scope in words, for messages: "key fp_ab12 on claude-opus-*". */
export function describeScope(scope: BudgetScope, keyLabel: (id: string) => string): string {
  const parts: string[] = [];
  if (scope.team) parts.push(`team ${scope.team}`);
  if (scope.provider) parts.push(scope.provider);
  if (scope.project) parts.push(`project ${scope.project}`);
  if (scope.keyId) parts.push(`key ${keyLabel(scope.keyId)}`);
  if (scope.user) parts.push(`user ${scope.user}`);
  if (scope.run) parts.push(scope.run === '*' ? 'each agent run' : `run ${scope.run}`);
  if (scope.model) parts.push(`on ${scope.model}`);
  return parts.length ? parts.join(' ') : 'all traffic';
}
