import { describe, expect, it } from 'vitest';
import { createBudgetState, snapshotOf, type BudgetsSnapshot } from '../../../../src/main/core/budgets/state.js';

/** A snapshot as the single-closure engine wrote it: the persisted format this state must keep reading. */
const stored: BudgetsSnapshot = {
  version: 1,
  budgets: [
    {
      id: 'bud_1',
      source: 'api',
      name: 'Rolling week',
      scope: { provider: 'openai' },
      period: { kind: 'rolling', days: 7 },
      limitUsd: 50,
      limitTokens: null,
      thresholds: [50, 80, 100],
      hardStopPercent: 120,
      action: 'block',
      degradeTo: {},
      dailyGuardrailUsd: null,
      counts: 'max',
      runLimits: {},
      enabled: true,
      createdAt: 1,
      updatedAt: 2,
    },
    {
      id: 'bud_2',
      source: 'file',
      name: 'Month',
      scope: {},
      period: { kind: 'month', billingDay: 15 },
      limitUsd: 100,
      limitTokens: 1e6,
      thresholds: [80],
      hardStopPercent: null,
      action: 'degrade',
      degradeTo: { 'gpt-4o': 'gpt-4o-mini' },
      dailyGuardrailUsd: 10,
      counts: 'observed',
      runLimits: {},
      enabled: false,
      createdAt: 3,
      updatedAt: 4,
    },
  ],
  counters: [
    {
      budgetId: 'bud_1',
      run: null,
      periodKey: 'r:2026-11-29',
      periodStart: 1_764_000_000_000,
      periodEnd: 1_764_460_800_000,
      spentUsd: 3.5,
      spentTokens: 1200,
      unpriced: 1,
      iterations: 0,
      fired: ['t:50'],
      hourly: [[1_764_403_200_000, 3.5, 1200]],
      guardDay: '',
      guardSpentUsd: 0,
      lastActivity: 1_764_403_300_000,
    },
  ],
  overrides: [{ id: 'ovr_1', budgetId: 'bud_1', addUsd: 5, addPercent: null, expiresAt: 1_764_500_000_000, reason: 'launch', createdAt: 5 }],
  audit: [{ id: 'aud_1', at: 6, kind: 'budget-created', budgetId: 'bud_1', requestId: null, message: 'Budget "Rolling week" created (openai).' }],
  alerts: [],
  warnedOverrides: ['ovr_1'],
};

describe('the budget state', () => {
  it('loads a stored snapshot and writes it back unchanged, in-memory fields left out', () => {
    const state = createBudgetState(JSON.parse(JSON.stringify(stored)));
    expect(state.counters.get('bud_1')!.reservedUsd).toBe(0);
    expect(JSON.parse(JSON.stringify(snapshotOf(state)))).toEqual(stored);
  });

  it('indexes only enabled budgets, and starts empty from nothing', () => {
    expect(createBudgetState(stored).index.size).toBe(1);
    const empty = createBudgetState(undefined);
    expect(snapshotOf(empty)).toEqual({ version: 1, budgets: [], counters: [], overrides: [], audit: [], alerts: [], warnedOverrides: [] });
  });
});
