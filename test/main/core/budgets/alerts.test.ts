import { describe, expect, it } from 'vitest';
import type { Budget, BudgetAlert } from '../../../../src/main/contract/budgets.js';
import { createBudgetAlerts } from '../../../../src/main/core/budgets/alerts.js';
import { addSpend } from '../../../../src/main/core/budgets/counters.js';
import { createSpend } from '../../../../src/main/core/budgets/spend.js';
import { createBudgetState } from '../../../../src/main/core/budgets/state.js';
import { createWords, type Words } from '../../../../src/main/core/budgets/words.js';
import { defaultSettings } from '../../../../src/main/core/settings/settings.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';
import { budgetFixture } from '../../../support/fixtures.js';

function budget(o: Partial<Budget> = {}): Budget {
  return budgetFixture({ name: 'Team', period: { kind: 'day' }, limitUsd: 10, counts: 'observed', ...o });
}

function setup(b: Budget) {
  const clock = createManualClock(Date.UTC(2026, 5, 1, 12));
  const settings = { ...defaultSettings(), timezone: 'Europe/Berlin' };
  const state = createBudgetState({ budgets: [b] });
  const spend = createSpend(state, { clock, settings: () => settings });
  // Counts every phrase built, to show a settle that crosses nothing builds none.
  let phrases = 0;
  const real = createWords({ settings: () => settings, keyLabel: (id) => id });
  const words = Object.fromEntries(Object.entries(real).map(([k, f]) => [k, (...a: unknown[]) => (phrases++, (f as (...x: unknown[]) => string)(...a))])) as unknown as Words;
  const fired: BudgetAlert[] = [];
  const alerts = createBudgetAlerts(state, { clock, settings: () => settings, onChange: () => {}, onAlert: (a) => fired.push(a), spend, words });
  return { clock, state, spend, alerts, fired, phrases: () => phrases };
}

describe('budget alerts', () => {
  it('build no words until a tier is crossed, then fire each tier once', () => {
    const b = budget();
    const t = setup(b);
    const now = t.clock.now();
    const c = t.spend.counterFor(b, null, now);
    addSpend(c, b, 4.9, 0, now);
    t.alerts.check(b, c, now);
    t.alerts.check(b, c, now);
    expect(t.fired).toEqual([]);
    expect(t.phrases()).toBe(0);
    addSpend(c, b, 0.2, 0, now); // 51%
    t.alerts.check(b, c, now);
    expect(t.fired.map((a) => [a.kind, a.tier, a.id])).toEqual([['threshold', 50, 'b1|d:2026-06-01|t:50']]);
    expect(t.fired[0]!.body).toContain('$5.10 of $10.00 today');
    const after = t.phrases();
    t.alerts.check(b, c, now);
    expect(t.fired).toHaveLength(1);
    expect(t.phrases()).toBe(after);
    addSpend(c, b, 7, 0, now); // 121%: 80, 100 and the hard stop at once, in order
    t.alerts.check(b, c, now);
    expect(t.fired.map((a) => a.tier)).toEqual([50, 80, 100, 120]);
    expect(t.fired.at(-1)!.kind).toBe('hard-stop');
  });

  it('follow an edited budget: a new, lower tier fires without waiting for more spend', () => {
    const b = budget({ thresholds: [80] });
    const t = setup(b);
    const now = t.clock.now();
    const c = t.spend.counterFor(b, null, now);
    addSpend(c, b, 6, 0, now);
    t.alerts.check(b, c, now);
    expect(t.fired).toEqual([]);
    const edited = { ...b, thresholds: [50, 80] };
    t.state.budgets.set(b.id, edited);
    t.alerts.check(edited, c, now);
    expect(t.fired.map((a) => a.tier)).toEqual([50]);
  });

  it('fire again in the next period, and the guardrail once per local day', () => {
    const b = budget({ period: { kind: 'month', billingDay: 1 }, dailyGuardrailUsd: 2, thresholds: [50] });
    const t = setup(b);
    let now = t.clock.now();
    let c = t.spend.counterFor(b, null, now);
    addSpend(c, b, 6, 0, now);
    c.guardSpentUsd = 2;
    t.alerts.check(b, c, now);
    expect(t.fired.map((a) => a.kind)).toEqual(['threshold', 'guardrail']);
    // Berlin midnight is 22:00 UTC in summer: the guardrail's reset.
    expect(t.fired[1]!.resetsAt).toBe(Date.UTC(2026, 5, 1, 22));
    t.clock.set(Date.UTC(2026, 5, 1, 22));
    now = t.clock.now();
    c = t.spend.counterFor(b, null, now);
    expect(c.guardSpentUsd).toBe(0);
    c.guardSpentUsd = 2.5;
    t.alerts.check(b, c, now);
    expect(t.fired.map((a) => a.kind)).toEqual(['threshold', 'guardrail', 'guardrail']);
    t.clock.set(Date.UTC(2026, 5, 30, 22)); // July 1 in Berlin
    now = t.clock.now();
    c = t.spend.counterFor(b, null, now);
    addSpend(c, b, 5, 0, now);
    t.alerts.check(b, c, now);
    expect(t.fired.at(-1)!.id).toBe('b1|m:2026-07-01|t:50');
  });

  it('word an expiring override as an alert with no tier, spend or period', () => {
    const t = setup(budget());
    const expiresAt = Date.UTC(2026, 5, 1, 12, 5);
    t.alerts.overrideExpiring({ id: 'ovr_1', budgetId: 'b1', addUsd: 5, addPercent: null, expiresAt, reason: 'launch day', createdAt: 0 }, t.clock.now());
    expect(t.fired).toEqual([
      {
        id: 'override|ovr_1|expiring',
        kind: 'override-expiring',
        budgetId: 'b1',
        budgetName: 'Team',
        tier: null,
        spentUsd: null,
        limitUsd: null,
        spentTokens: null,
        limitTokens: null,
        periodKey: null,
        resetsAt: expiresAt,
        title: 'Override on "Team" ends soon',
        body: "The temporary raise (launch day) ends at 2026-06-01 14:05 Europe/Berlin; the budget's own limit applies again then.",
        at: t.clock.now(),
      },
    ]);
    expect(t.alerts.list()).toEqual(t.fired);
  });
});
