import type { SpendRowDto, SpendTotalsDto } from '../../src/main/contract/api-ledger.js';
import { emptyTotals } from '../../src/main/core/ledger/rollups.js';
import type { Budget, BudgetAlert, BudgetStatus } from '../../src/main/contract/budgets.js';
import type { KeyDto } from '../../src/main/contract/keys.js';

/** A budget as the engine stores it: a $60 monthly one by default; tests override what they are about. */
export function budgetFixture(o: Partial<Budget> = {}): Budget {
  return {
    id: 'b1',
    source: 'api',
    name: 'Claude Code',
    scope: {},
    period: { kind: 'month' },
    limitUsd: 60,
    limitTokens: null,
    thresholds: [50, 80, 100],
    hardStopPercent: 120,
    action: 'block',
    dailyGuardrailUsd: null,
    counts: 'max',
    enabled: true,
    degradeTo: {},
    runLimits: {},
    createdAt: 0,
    updatedAt: 0,
    ...o,
  };
}

/** A budget status as the engine reports it; tests override what they are about. */
export function budgetStatus(o: Partial<Omit<BudgetStatus, 'budget'>> & { budget?: Partial<Budget> } = {}): BudgetStatus {
  const { budget, ...rest } = o;
  const b = budgetFixture(budget);
  return {
    budget: b,
    run: null,
    periodKey: '2026-01',
    periodStart: 0,
    resetsAt: null,
    spentUsd: 0,
    spentTokens: 0,
    reservedUsd: 0,
    reservedTokens: 0,
    reportedUsd: null,
    reportedAsOf: null,
    effectiveLimitUsd: b.limitUsd,
    effectiveLimitTokens: b.limitTokens,
    percent: 0,
    state: 'ok',
    fired: [],
    unpricedRequests: 0,
    guardrail: null,
    overrides: [],
    iterations: null,
    ...rest,
  };
}

export function totals(o: Partial<SpendTotalsDto> = {}): SpendTotalsDto {
  return { ...emptyTotals(), ...o };
}

export const row = (o: Partial<SpendRowDto>): SpendRowDto => ({ ...totals(o), ...o });

export function key(o: Partial<KeyDto> = {}): KeyDto {
  return {
    id: 'key_1',
    kind: 'wrapped',
    label: 'tg_…abcd',
    name: 'Claude Code',
    provider: 'anthropic',
    project: null,
    owner: null,
    createdAt: 0,
    lastSeenAt: null,
    revokedAt: null,
    upstreamLabel: 'sk-ant-…wxyz',
    subscription: false,
    ...o,
  };
}

/** A threshold alert shaped as the budget engine emits it. */
export function thresholdAlert(o: Partial<BudgetAlert> = {}): BudgetAlert {
  return {
    id: 'b1:2026-01:80',
    kind: 'threshold',
    budgetId: 'b1',
    budgetName: 'Claude Code',
    tier: 80,
    spentUsd: 48,
    limitUsd: 60,
    spentTokens: null,
    limitTokens: null,
    periodKey: '2026-01',
    resetsAt: null,
    title: 'Claude Code budget at 80%: $48.00 of $60.00',
    body: 'Requests on key Claude Code will be blocked at $72.00.',
    at: Date.UTC(2026, 0, 15),
    ...o,
  };
}
