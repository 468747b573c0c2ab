import type { Budget } from '../../contract/budgets.js';
import { inScope, type CallFacts } from './scope.js';

/**
 * Which budgets a call can fall under, without looking at the others. Each enabled budget is filed under its
 * scope's most selective exact field (key, user, project, team, exact model, provider); budgets with a model pattern
 * and nothing more selective, and budgets for all traffic (or only a run), sit in lists checked for every call.
 * A call then visits only the lists its own facts name, so a budget for another key costs it nothing.
 */
export interface ScopeIndex {
  /**
   * The enabled budgets whose scope the call is in, in the order the budgets were made (admission's order). The
   * list is shared by every call with the same facts: read it, never change it.
   */
  candidates(facts: CallFacts): Budget[];
  readonly size: number;
}

interface Entry {
  /** Position among all budgets: merging the lists by it keeps the budgets' own order. */
  ord: number;
  budget: Budget;
}

/** Distinct call facts remembered; past this the memo starts over (a new agent run is a new entry). */
const MEMO_SIZE = 256;
/** Below this many budgets the merge costs less than building the memo's key: it runs on every call. */
const MEMO_FROM = 32;
const NONE: Budget[] = [];

/** One string per distinct set of facts: each part length-prefixed, so no value can run into the next. */
function factsKey(f: CallFacts): string {
  const part = (v: string | null | undefined) => (v === null || v === undefined ? '-' : `${v.length}:${v}`);
  return `${part(f.provider)}${part(f.keyId)}${part(f.model)}${part(f.project)}${part(f.user)}${part(f.run)}${part(f.team)}`;
}

/** A call's team in the hierarchy, or null. */
export type TeamOf = (facts: CallFacts) => string | null;

const NO_TEAM: TeamOf = () => null;

/**
 * `teamOf` is asked only when some enabled budget names a team, so calls pay nothing for teams until one does.
 * It is asked on every call, before the memo, so a change of teams never meets a stale entry.
 */
export function createScopeIndex(budgets: Iterable<Budget>, teamOf: TeamOf = NO_TEAM): ScopeIndex {
  const byKey = new Map<string, Entry[]>();
  const byTeam = new Map<string, Entry[]>();
  const byUser = new Map<string, Entry[]>();
  const byProject = new Map<string, Entry[]>();
  const byModel = new Map<string, Entry[]>();
  const byProvider = new Map<string, Entry[]>();
  const patterns: Entry[] = [];
  const always: Entry[] = [];
  const file = (map: Map<string, Entry[]>, k: string, e: Entry) => {
    const list = map.get(k);
    if (list) list.push(e);
    else map.set(k, [e]);
  };
  let ord = 0;
  let size = 0;
  let teamBudgets = 0;
  for (const budget of budgets) {
    const e: Entry = { ord: ord++, budget };
    if (!budget.enabled) continue;
    size++;
    const s = budget.scope;
    if (s.team !== undefined) teamBudgets++;
    if (s.keyId !== undefined) file(byKey, s.keyId, e);
    else if (s.user !== undefined) file(byUser, s.user, e);
    else if (s.project !== undefined) file(byProject, s.project, e);
    else if (s.team !== undefined) file(byTeam, s.team, e);
    else if (s.model !== undefined && !s.model.endsWith('*')) file(byModel, s.model, e);
    else if (s.provider !== undefined) file(byProvider, s.provider, e);
    else if (s.model !== undefined) patterns.push(e);
    else always.push(e);
  }

  // Reused between calls (admission is synchronous): the lists one call visits and how far each has been read.
  const lists: Entry[][] = [];
  const pos: number[] = [];
  const visit = (list: Entry[] | undefined) => {
    if (list && list.length) lists.push(list);
  };

  // The index is rebuilt whenever a budget changes, so what a set of facts matched stays true for its lifetime:
  // a client's calls repeat the same facts, and the merge below then runs once per client, not once per call.
  const memo = new Map<string, Budget[]>();
  // The last call's facts and what they matched: the next call from the same client (the usual case) is answered
  // by comparing six strings, without building the memo's key.
  let last: Budget[] | null = null;
  let lastProvider = '';
  let lastKeyId = '';
  let lastModel = '';
  let lastProject: string | null = null;
  let lastUser: string | null = null;
  let lastRun: string | null = null;
  let lastTeam: string | null | undefined = null;

  function compute(facts: CallFacts): Budget[] {
    const out: Budget[] = [];
    lists.length = 0;
    visit(always);
    visit(patterns);
    visit(byKey.get(facts.keyId));
    if (facts.user !== null) visit(byUser.get(facts.user));
    if (facts.project !== null) visit(byProject.get(facts.project));
    if (facts.team) visit(byTeam.get(facts.team));
    visit(byModel.get(facts.model));
    visit(byProvider.get(facts.provider));
    const k = lists.length;
    for (let i = 0; i < k; i++) pos[i] = 0;
    for (;;) {
      let best = -1;
      let bestOrd = Infinity;
      for (let i = 0; i < k; i++) {
        const l = lists[i]!;
        const p = pos[i]!;
        if (p < l.length && l[p]!.ord < bestOrd) {
          best = i;
          bestOrd = l[p]!.ord;
        }
      }
      if (best < 0) break;
      const e = lists[best]![pos[best]!++]!;
      if (inScope(e.budget.scope, facts)) out.push(e.budget);
    }
    lists.length = 0;
    return out;
  }

  return {
    size,
    candidates(callFacts) {
      if (size === 0) return NONE;
      const facts = teamBudgets > 0 ? { ...callFacts, team: teamOf(callFacts) } : callFacts;
      if (size < MEMO_FROM) return compute(facts);
      if (
        last !== null &&
        facts.provider === lastProvider &&
        facts.keyId === lastKeyId &&
        facts.model === lastModel &&
        facts.project === lastProject &&
        facts.user === lastUser &&
        facts.run === lastRun &&
        facts.team === lastTeam
      )
        return last;
      const key = factsKey(facts);
      let out = memo.get(key);
      if (out === undefined) {
        out = compute(facts);
        if (memo.size >= MEMO_SIZE) memo.clear();
        memo.set(key, out);
      }
      last = out;
      lastProvider = facts.provider;
      lastKeyId = facts.keyId;
      lastModel = facts.model;
      lastProject = facts.project;
      lastUser = facts.user;
      lastRun = facts.run;
      lastTeam = facts.team;
      return out;
    },
  };
}
