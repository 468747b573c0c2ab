import { describe, expect, it } from 'vitest';
import type { BudgetAlert } from '../../../src/main/contract/budgets';
import { alertChoices, filterAlerts, NO_ALERT_FILTER } from '../../../src/renderer/src/lib/alert-history';

const H = 3_600_000;
const NOW = Date.UTC(2026, 10, 30, 12);

function alert(o: Partial<BudgetAlert>): BudgetAlert {
  return {
    id: 'a',
    kind: 'threshold',
    budgetId: 'team',
    budgetName: 'Team monthly',
    tier: 50,
    spentUsd: 12.5,
    limitUsd: 25,
    spentTokens: null,
    limitTokens: null,
    periodKey: '2026-11',
    resetsAt: null,
    title: 'Budget "Team monthly" at 50%',
    body: '',
    at: NOW - H,
    ...o,
  };
}

const list = [
  alert({ id: 't50', at: NOW - 40 * H }),
  alert({ id: 't80', tier: 80, at: NOW - 5 * H }),
  alert({ id: 'cc-stop', kind: 'hard-stop', budgetId: 'cc', budgetName: 'Claude Code weekly', tier: 100, at: NOW - 2 * H }),
  alert({ id: 'poll', kind: 'polling-failed', budgetId: null, budgetName: 'Org usage', tier: null, at: NOW - 20 * 86_400_000 }),
];

describe('alert history filters', () => {
  it('lists everything newest first without a filter', () => {
    expect(filterAlerts(list, NO_ALERT_FILTER, NOW).map((a) => a.id)).toEqual(['cc-stop', 't80', 't50', 'poll']);
  });

  it('filters by budget, kind, tier and time, each on its own and together', () => {
    expect(filterAlerts(list, { ...NO_ALERT_FILTER, budgetId: 'team' }, NOW).map((a) => a.id)).toEqual(['t80', 't50']);
    expect(filterAlerts(list, { ...NO_ALERT_FILTER, kind: 'hard-stop' }, NOW).map((a) => a.id)).toEqual(['cc-stop']);
    expect(filterAlerts(list, { ...NO_ALERT_FILTER, tier: '80' }, NOW).map((a) => a.id)).toEqual(['t80']);
    expect(filterAlerts(list, { ...NO_ALERT_FILTER, period: 'day' }, NOW).map((a) => a.id)).toEqual(['cc-stop', 't80']);
    expect(filterAlerts(list, { ...NO_ALERT_FILTER, period: 'week' }, NOW).map((a) => a.id)).toEqual(['cc-stop', 't80', 't50']);
    expect(filterAlerts(list, { ...NO_ALERT_FILTER, period: 'month' }, NOW)).toHaveLength(4);
    expect(filterAlerts(list, { budgetId: 'team', kind: 'threshold', tier: '50', period: 'day' }, NOW)).toEqual([]);
  });

  it('offers only the budgets, kinds and tiers that occur, budgets by name', () => {
    expect(alertChoices(list)).toEqual({
      budgets: [
        { id: 'cc', name: 'Claude Code weekly' },
        { id: 'team', name: 'Team monthly' },
      ],
      kinds: ['threshold', 'hard-stop', 'polling-failed'],
      tiers: [50, 80, 100],
    });
  });
});
