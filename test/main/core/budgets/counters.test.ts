import { describe, expect, it } from 'vitest';
import type { Budget, BudgetPeriod } from '../../../../src/main/contract/budgets.js';
import { addSpend, fromStored, newCounter, rollTo, toStored } from '../../../../src/main/core/budgets/counters.js';
import { periodAt } from '../../../../src/main/core/budgets/periods.js';
import { budgetFixture } from '../../../support/fixtures.js';

const HOUR = 3_600_000;

function budget(period: BudgetPeriod): Budget {
  return budgetFixture({ id: 'b', name: 'b', period, limitUsd: 10, thresholds: [50], hardStopPercent: null, counts: 'observed' });
}

describe('counters roll at the exact boundary, in a zone with DST', () => {
  // New York leaves EST on 2026-03-08 (02:00 → 03:00) and returns on 2026-11-01 (02:00 → 01:00).
  const tz = 'America/New_York';

  it('a day counter keeps its spend until the last millisecond and resets at local midnight after a 23-hour day', () => {
    const b = budget({ kind: 'day' });
    const start = Date.UTC(2026, 2, 8, 12); // Mar 8, EDT by noon
    const c = newCounter('b', null, periodAt(b.period, start, tz), start);
    addSpend(c, b, 3, 30, start);
    // Mar 8 began at 05:00 UTC (EST) and ends at 04:00 UTC on Mar 9 (EDT): 23 hours.
    expect(c.periodStart).toBe(Date.UTC(2026, 2, 8, 5));
    expect(c.periodEnd).toBe(Date.UTC(2026, 2, 9, 4));
    expect(rollTo(c, b, Date.UTC(2026, 2, 9, 4) - 1, tz)).toBe(false);
    expect(c.spentUsd).toBe(3);
    expect(rollTo(c, b, Date.UTC(2026, 2, 9, 4), tz)).toBe(true);
    expect(c.spentUsd).toBe(0);
    expect(c.periodKey).toBe('d:2026-03-09');
    expect(c.periodEnd).toBe(Date.UTC(2026, 2, 10, 4));
  });

  it('a rolling window re-arms its alerts at local midnight after a 25-hour day, and not a millisecond before', () => {
    const b = budget({ kind: 'rolling', days: 2 });
    const start = Date.UTC(2026, 10, 1, 12); // Nov 1, 07:00 EST, after the fall back at 06:00 UTC
    const c = newCounter('b', null, periodAt(b.period, start, tz), start);
    addSpend(c, b, 1, 10, start);
    c.fired.push('t:50');
    // Nov 1 began at 04:00 UTC (EDT) and ends at 05:00 UTC on Nov 2 (EST): 25 hours.
    const midnight = Date.UTC(2026, 10, 2, 5);
    expect(c.periodEnd).toBe(midnight);
    expect(rollTo(c, b, midnight - 1, tz)).toBe(false);
    expect(c.fired).toEqual(['t:50']);
    expect(c.periodStart).toBe(midnight - 1 - 2 * 86_400_000);
    expect(rollTo(c, b, midnight, tz)).toBe(true);
    expect(c.periodKey).toBe('r:2026-11-02');
    expect(c.fired).toEqual([]);
    expect(c.periodEnd).toBe(Date.UTC(2026, 10, 3, 5));
    expect(c.spentUsd).toBe(1);
  });

  it('a rolling counter loaded from disk finds its day again without resetting it', () => {
    const b = budget({ kind: 'rolling', days: 1 });
    const t = Date.UTC(2026, 2, 8, 12);
    const c = newCounter('b', null, periodAt(b.period, t, tz), t);
    addSpend(c, b, 2, 20, t);
    c.fired.push('t:50');
    const loaded = fromStored(JSON.parse(JSON.stringify(toStored(c))));
    expect(Object.keys(toStored(loaded)).sort()).toEqual(Object.keys(toStored(c)).sort());
    expect(rollTo(loaded, b, t + HOUR, tz)).toBe(false);
    expect(loaded.fired).toEqual(['t:50']);
    expect(loaded.spentUsd).toBe(2);
  });

  it('a rolling sum is exactly the left-to-right sum of the hours still in the window', () => {
    const b = budget({ kind: 'rolling', days: 1 });
    let now = Date.UTC(2026, 2, 7, 0);
    const c = newCounter('b', null, periodAt(b.period, now, tz), now);
    let seed = 7;
    const next = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 0.37;
    for (let i = 0; i < 400; i++) {
      now += Math.floor(next() * 2 * HOUR);
      rollTo(c, b, now, tz);
      addSpend(c, b, next(), 3, now);
      rollTo(c, b, now, tz);
      let usd = 0;
      let tok = 0;
      for (const [hour, u, t] of c.hourly) {
        expect(hour + HOUR).toBeGreaterThan(now - 86_400_000);
        usd += u;
        tok += t;
      }
      expect(c.spentUsd).toBe(usd);
      expect(c.spentTokens).toBe(tok);
    }
  });
});
