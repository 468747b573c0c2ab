import { describe, expect, it } from 'vitest';
import type { Budget, BudgetScope } from '../../../../src/main/contract/budgets.js';
import { createScopeIndex } from '../../../../src/main/core/budgets/scope-index.js';
import { inScope, type CallFacts } from '../../../../src/main/core/budgets/scope.js';
import { budgetFixture } from '../../../support/fixtures.js';

/** A small deterministic generator (mulberry32), so a failure can be replayed from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROVIDERS = ['openai', 'anthropic', 'gemini'];
const KEYS = ['k1', 'k2', 'k3'];
const PROJECTS = ['p1', 'p2'];
const USERS = ['u1', 'u2'];
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-opus-4', 'claude-haiku-4-5', 'gemini-2.5-pro'];
const PATTERNS = ['gpt-4o*', 'claude-*', 'gemini-2.5-*', 'gpt-4o-mini', 'claude-opus-4', '*'];
const RUNS = ['r1', 'r2'];

function budget(i: number, scope: BudgetScope, enabled: boolean): Budget {
  return budgetFixture({ id: `b${i}`, name: `b${i}`, scope, period: { kind: 'day' }, limitUsd: 10, enabled });
}

describe('the scope index', () => {
  it('returns exactly the enabled budgets inScope() accepts, in the budgets’ order, for many random scopes and calls', () => {
    const r = rng(20261130);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
    const maybe = <T>(xs: readonly T[], p: number): T | undefined => (r() < p ? pick(xs) : undefined);
    for (let round = 0; round < 40; round++) {
      const budgets: Budget[] = [];
      const n = Math.floor(r() * 60);
      for (let i = 0; i < n; i++) {
        const scope: BudgetScope = {};
        const fields: [keyof BudgetScope, string | undefined][] = [
          ['provider', maybe(PROVIDERS, 0.4)],
          ['keyId', maybe(KEYS, 0.25)],
          ['project', maybe(PROJECTS, 0.2)],
          ['user', maybe(USERS, 0.15)],
          ['model', maybe(PATTERNS, 0.35)],
          ['run', maybe([...RUNS, '*'], 0.1)],
        ];
        for (const [k, v] of fields) if (v !== undefined) scope[k] = v;
        budgets.push(budget(i, scope, r() > 0.1));
      }
      const index = createScopeIndex(budgets);
      for (let call = 0; call < 200; call++) {
        const facts: CallFacts = {
          provider: pick(PROVIDERS),
          keyId: pick(KEYS),
          model: pick(MODELS),
          project: r() < 0.5 ? pick(PROJECTS) : null,
          user: r() < 0.5 ? pick(USERS) : null,
          run: r() < 0.3 ? pick(RUNS) : null,
        };
        const expected = budgets.filter((b) => b.enabled && inScope(b.scope, facts)).map((b) => b.id);
        expect(index.candidates(facts).map((b) => b.id)).toEqual(expected);
      }
    }
  });

  it('visits only the budgets filed under a call’s own facts', () => {
    const budgets = [
      budget(0, { keyId: 'k1', provider: 'openai' }, true),
      budget(1, { keyId: 'k2' }, true),
      budget(2, {}, true),
      budget(3, { model: 'gpt-4o*' }, true),
      budget(4, { provider: 'anthropic' }, false),
    ];
    const index = createScopeIndex(budgets);
    expect(index.size).toBe(4);
    // k1 on anthropic: budget 0 is filed under k1 and visited, then rejected for its provider.
    expect(index.candidates({ provider: 'anthropic', keyId: 'k1', model: 'claude-opus-4', project: null, user: null, run: null }).map((b) => b.id)).toEqual(['b2']);
    expect(index.candidates({ provider: 'openai', keyId: 'k1', model: 'gpt-4o', project: null, user: null, run: null }).map((b) => b.id)).toEqual(['b0', 'b2', 'b3']);
    expect(createScopeIndex([]).candidates({ provider: 'openai', keyId: 'k1', model: 'x', project: null, user: null, run: null })).toEqual([]);
  });

  it('remembers each call’s budgets by its exact facts: facts that only join alike, and more runs than it keeps, still get their own', () => {
    const budgets = [
      budget(0, { keyId: 'ab', model: 'c' }, true),
      budget(1, { keyId: 'a', model: 'bc' }, true),
      budget(2, { project: '-' }, true),
      budget(3, { run: 'r7' }, true),
      budget(4, { run: '*' }, true),
      // Enough budgets that the index remembers answers (small indexes merge on every call).
      ...Array.from({ length: 40 }, (_, i) => budget(5 + i, { keyId: `other-${i}` }, true)),
    ];
    const index = createScopeIndex(budgets);
    const call = (over: Partial<CallFacts>): string[] =>
      index.candidates({ provider: 'openai', keyId: 'k', model: 'm', project: null, user: null, run: null, ...over }).map((b) => b.id);
    for (let pass = 0; pass < 2; pass++) {
      expect(call({ keyId: 'ab', model: 'c' })).toEqual(['b0']);
      expect(call({ keyId: 'a', model: 'bc' })).toEqual(['b1']);
      expect(call({ project: '-' })).toEqual(['b2']);
      expect(call({ project: null })).toEqual([]);
    }
    // Past the memo's size it starts over; every answer stays the index's own.
    for (let i = 0; i < 600; i++) expect(call({ run: `r${i % 300}` })).toEqual(i % 300 === 7 ? ['b3', 'b4'] : ['b4']);
  });

  it('answers a call like the last one from it, and a call that differs from it in any one fact from its own facts', () => {
    const budgets = [
      budget(0, { keyId: 'k1' }, true),
      budget(1, { provider: 'openai' }, true),
      budget(2, { project: 'p1' }, true),
      budget(3, { user: 'u1' }, true),
      budget(4, { run: 'r1' }, true),
      budget(5, { model: 'gpt-4o*' }, true),
      budget(6, { team: 't1' }, true),
      ...Array.from({ length: 40 }, (_, i) => budget(7 + i, { keyId: `other-${i}` }, true)),
    ];
    const expected = (f: CallFacts) => budgets.filter((b) => inScope(b.scope, f)).map((b) => b.id);
    const base: CallFacts = { provider: 'openai', keyId: 'k1', model: 'gpt-4o', project: 'p1', user: 'u1', run: 'r1', team: 't1' };
    const changes: Partial<CallFacts>[] = [{}, { provider: 'anthropic' }, { keyId: 'k2' }, { model: 'o3' }, { project: null }, { user: null }, { run: null }, { team: null }];
    // The call's team as the facts carry it: a change of team is a change of facts.
    const index = createScopeIndex(budgets, (f) => f.team ?? null);
    for (const change of changes) {
      for (const f of [base, { ...base, ...change }, { ...base, ...change }, base]) {
        expect(index.candidates(f).map((b) => b.id)).toEqual(expected(f));
      }
    }
  });
});
