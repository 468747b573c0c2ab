import { describe, expect, it } from 'vitest';
import { budgetForecastLine } from '../../../src/renderer/src/components/BudgetForecasts';
import { formatDay } from '../../../src/renderer/src/lib/format';
import { budgetReach, firstUseAt, forecastBasis, forecastWindowStart, forecastWords, periodForecast } from '../../../src/shared/forecast';
import { spendFromRows, summarize, totalOf } from '../../../src/renderer/src/store/spend';
import { budgetStatus, row } from '../support/fixtures';

const H = 3_600_000;
const D = 24 * H;
const win = (today: string, todayElapsed: number) => ({ today, periodFrom: `${today.slice(0, 8)}01`, periodTo: '2026-11-30', todayElapsed });

describe('an honest forecast', () => {
  it('after two hours of first use: the rate since first use, marked low confidence', () => {
    // $13 spent between 12:00 and 14:00 on the 28th, the first day with any spend.
    const s = spendFromRows('2026-11-21', '2026-11-28', [], [row({ day: '2026-11-28', model: 'm', costUsd: 13, requests: 400 })]);
    const w = win('2026-11-28', 14 / 24);
    const basis = forecastBasis(s.byModel, w);
    expect(basis).toEqual({ kind: 'since-first-use', firstDay: '2026-11-28', elapsedDays: 14 / 24 });
    expect(forecastWords(basis, w.periodTo, formatDay)).toEqual({
      text: 'by Nov 30, at the rate since first use (Nov 28): under 3 whole days of data',
      lowConfidence: true,
    });
    // $13 over 14/24 of a day, for the 10 hours left today and two more days.
    const [r] = summarize(s.byModel, w, basis);
    expect(r!.forecastUsd).toBeCloseTo(13 + (13 / (14 / 24)) * (3 - 14 / 24), 9);
  });

  it('with three or more whole days: their average, today excluded, and no mark', () => {
    const rows = [
      row({ day: '2026-11-24', model: 'a', costUsd: 100 }), // the first day: four whole days before today
      row({ day: '2026-11-25', model: 'a', costUsd: 2 }),
      row({ day: '2026-11-26', model: 'b', costUsd: 4 }),
      row({ day: '2026-11-27', model: 'a', costUsd: 6 }),
      row({ day: '2026-11-28', model: 'a', costUsd: 50 }), // today, a burst: not in the rate
    ];
    const s = spendFromRows('2026-11-21', '2026-11-28', [], rows);
    const w = win('2026-11-28', 0.5);
    const basis = forecastBasis(s.byModel, w);
    expect(basis).toEqual({ kind: 'days', days: 4, from: '2026-11-24', firstDay: '2026-11-24' });
    expect(forecastWords(basis, w.periodTo, formatDay)).toEqual({ text: "by Nov 30, at the last 4 whole days' average", lowConfidence: false });
    const rowsOut = summarize(s.byModel, w, basis);
    const total = totalOf(rowsOut);
    // $112 over 4 days = $28/day, 2.5 days left; the rows add up to the total.
    expect(total.forecastUsd).toBeCloseTo(162 + 28 * 2.5, 9);
    expect(rowsOut.find((x) => x.id === 'b')!.forecastUsd).toBeCloseTo(4 + 1 * 2.5, 9);
  });

  it('looks back seven whole days at most', () => {
    const rows = Array.from({ length: 20 }, (_, i) => row({ day: `2026-11-${String(i + 8).padStart(2, '0')}`, model: 'm', costUsd: i < 13 ? 1 : 7 }));
    const s = spendFromRows('2026-11-01', '2026-11-28', [], rows);
    const basis = forecastBasis(s.byModel, win('2026-11-28', 0.25));
    expect(basis).toEqual({ kind: 'days', days: 7, from: '2026-11-21', firstDay: '2026-11-08' });
    expect(forecastWords(basis, '2026-11-30', formatDay).text).toBe("by Nov 30, at the last 7 whole days' average");
  });

  it('says so when there is no spend at all', () => {
    const s = spendFromRows('2026-11-21', '2026-11-28', [], []);
    const basis = forecastBasis(s.byModel, win('2026-11-28', 0.5));
    expect(basis).toEqual({ kind: 'none' });
    expect(forecastWords(basis, '2026-11-30', formatDay)).toEqual({ text: 'by Nov 30: no spend yet to go on', lowConfidence: false });
  });
});

describe('per budget: when it reaches its limit at this rate', () => {
  const NOW = Date.UTC(2026, 10, 28, 12);
  const team = (over: Parameters<typeof budgetStatus>[0] = {}) =>
    budgetStatus(
      { periodStart: Date.UTC(2026, 10, 1), resetsAt: Date.UTC(2026, 11, 1), spentUsd: 10, effectiveLimitUsd: 25, ...over },
      { name: 'Team monthly' },
    );

  it('from the period start when use began before it', () => {
    // $10 in 27.5 days: $25 is 41.25 days more away, past the reset.
    expect(budgetForecastLine(team(), NOW, 'UTC', Date.UTC(2026, 9, 1))).toBe('At this rate Team monthly stays under $25.00 until it resets on Dec 1');
  });

  it('from first use when it began inside the period: "reaches $25 on Dec 3"', () => {
    const s = team({ resetsAt: Date.UTC(2026, 11, 31), periodStart: Date.UTC(2026, 11, 1) - 30 * D });
    // First use 2 days ago: $10 in 2 days, $15 more takes 3 days.
    const first = NOW - 2 * D;
    expect(budgetReach(s, NOW, first)).toEqual({ limit: 25, unit: 'usd', at: NOW + 3 * D });
    expect(budgetForecastLine(s, NOW, 'UTC', first)).toBe('At this rate Team monthly reaches $25.00 on Dec 1');
    // Two days later, first use two days before that: the same $5 a day, from Nov 30 12:00.
    expect(budgetForecastLine(s, NOW + 2 * D, 'UTC', NOW)).toBe('At this rate Team monthly reaches $25.00 on Dec 3');
  });

  it('token limits in tokens; nothing for budgets at their limit, spending nothing, disabled or per run', () => {
    const tokens = budgetStatus({ periodStart: NOW - 2 * D, resetsAt: NOW + 10 * D, spentTokens: 500_000, effectiveLimitUsd: null, effectiveLimitTokens: 1_000_000 }, { name: 'Agents' });
    expect(budgetForecastLine(tokens, NOW, 'UTC', null)).toBe('At this rate Agents reaches 1M tokens on Nov 30');
    expect(budgetForecastLine(team({ spentUsd: 25 }), NOW, 'UTC', null)).toBeNull();
    expect(budgetForecastLine(team({ spentUsd: 0 }), NOW, 'UTC', null)).toBeNull();
    expect(budgetForecastLine(team({ run: 'run-7' }), NOW, 'UTC', null)).toBeNull();
    expect(budgetForecastLine(budgetStatus({ spentUsd: 5, effectiveLimitUsd: 25 }, { enabled: false }), NOW, 'UTC', null)).toBeNull();
  });

  it('dates first use from the first day with spend', () => {
    const w = { today: '2026-11-28', todayElapsed: 0.5 };
    expect(firstUseAt({ kind: 'since-first-use', firstDay: '2026-11-27', elapsedDays: 1.5 }, w, NOW)).toBe(Date.UTC(2026, 10, 27));
    expect(firstUseAt({ kind: 'none' }, w, NOW)).toBeNull();
  });
});

describe('the forecast from daily totals (the tray\'s)', () => {
  it('equals the Overview total, the per-model forecasts summed', () => {
    const w = { today: '2026-11-20', periodFrom: '2026-11-01', periodTo: '2026-11-30', todayElapsed: 0.5 };
    const rows = [
      row({ day: '2026-11-02', model: 'a', costUsd: 3, requests: 3 }),
      row({ day: '2026-11-14', model: 'a', costUsd: 7, requests: 7 }),
      row({ day: '2026-11-15', model: 'b', costUsd: 2.5, requests: 2 }),
      row({ day: '2026-11-19', model: 'a', costUsd: 4, requests: 4 }),
      row({ day: '2026-11-19', model: 'b', costUsd: 1, requests: 1 }),
      row({ day: '2026-11-20', model: 'a', costUsd: 6, requests: 6 }),
    ];
    const overview = totalOf(summarize(spendFromRows(forecastWindowStart(w), w.today, [], rows).byModel, w)).forecastUsd;
    const daily = new Map<string, { costUsd: number; requests: number }>();
    for (const r of rows) {
      const d = daily.get(r.day!) ?? { costUsd: 0, requests: 0 };
      daily.set(r.day!, { costUsd: d.costUsd + r.costUsd, requests: d.requests + r.requests });
    }
    expect(periodForecast(daily, w).usd).toBeCloseTo(overview, 9);
    expect(overview).toBeCloseTo(23.5 + (14.5 / 7) * 10.5, 9);
  });
});
