import { describe, expect, it } from 'vitest';
import { addAlert, matchesFilter, mergeRecent } from '../../../src/renderer/src/store/lists';
import type { BudgetAlert } from '../../../src/main/contract/budgets';
import { record } from '../support/fixtures';

describe('recent requests', () => {
  it('keeps newest first, without duplicates, within the limit', () => {
    const a = record({ ts: 1 });
    const b = record({ ts: 2 });
    const c = record({ ts: 3 });
    const list = mergeRecent([b, a], [c, b]);
    expect(list.map((r) => r.id)).toEqual([c.id, b.id, a.id]);
    expect(mergeRecent(list, [record({ ts: 4 })], 2)).toHaveLength(2);
    expect(mergeRecent(list, [a])).toBe(list);
  });

  it('filters like the core does', () => {
    const r = record({ keyId: 'k1', model: 'gpt-4o', flags: ['blocked'] });
    expect(matchesFilter(r, {})).toBe(true);
    expect(matchesFilter(r, { keyId: 'k1', flag: 'blocked' })).toBe(true);
    expect(matchesFilter(r, { model: 'o3' })).toBe(false);
    expect(matchesFilter(r, { flag: 'partial' })).toBe(false);
  });
});

describe('alerts', () => {
  const alert = (id: string, at: number): BudgetAlert => ({
    id,
    kind: 'threshold',
    budgetId: 'b',
    budgetName: 'B',
    tier: 50,
    spentUsd: 1,
    limitUsd: 2,
    spentTokens: null,
    limitTokens: null,
    periodKey: 'p',
    resetsAt: null,
    title: id,
    body: '',
    at,
  });
  it('shows each alert once, newest first', () => {
    let list = addAlert([], alert('a', 1));
    list = addAlert(list, alert('b', 2));
    list = addAlert(list, alert('a', 1));
    expect(list.map((x) => x.id)).toEqual(['b', 'a']);
  });
});
