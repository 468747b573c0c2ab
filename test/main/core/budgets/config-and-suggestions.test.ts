import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetAlert, BudgetStatus, BudgetSuggestion } from '../../../../src/main/contract/budgets.js';
import type { RollupRow } from '../../../../src/main/contract/usage.js';
import { suggestBudgets } from '../../../../src/main/core/budgets/suggestions.js';
import { emptyRollup } from '../../../../src/main/core/ledger/rollups.js';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, tempDir } from '../../../support/harness.js';

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeUpstream();
});
afterAll(async () => {
  await fake.close();
});

const call = (url: string) =>
  fetch(`${url}/openai/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-cfg', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [] }) });

describe('budgets in a config file', () => {
  it('budgets.json declares budgets; an invalid edit is reported and the last good one stays in force', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'budgets.json');
    fs.writeFileSync(file, JSON.stringify({ budgets: [{ id: 'team', name: 'Team', period: { kind: 'month' }, limitUsd: 50 }] }));
    const tg = await startTollgate({ upstream: fake.url, dataDir: dir });
    try {
      const list = async () => (await tg.admin<BudgetStatus[]>('budgets.list')).body.data!;
      expect((await list()).map((s) => [s.budget.name, s.budget.limitUsd, s.budget.source])).toEqual([['Team', 50, 'file']]);
      const id = (await list())[0]!.budget.id;
      const edit = await tg.admin('budgets.update', { id, limitUsd: 10 });
      expect(edit.body.error?.message).toMatch(/declared in budgets.json/);
      fs.writeFileSync(file, JSON.stringify({ budgets: [{ id: 'team', name: 'Team', period: { kind: 'month' }, limitUsd: -1 }] }));
      const status = await waitForAsync(async () => {
        const s = (await tg.admin<{ problems: string[] }>('status.get')).body.data!;
        return s.problems.find((p) => p.includes('budgets.json'));
      });
      expect(status).toMatch(/budgets\[0\]\.limitUsd: must be greater than 0/);
      expect((await list())[0]!.budget.limitUsd).toBe(50);
      fs.writeFileSync(file, JSON.stringify({ budgets: [{ id: 'team', name: 'Team', period: { kind: 'month' }, limitUsd: 75 }] }));
      await waitForAsync(async () => (await list())[0]!.budget.limitUsd === 75);
    } finally {
      await tg.stop();
    }
  });
});

async function waitForAsync<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('thresholds across a restart of the whole app', () => {
  it('a tier that fired before the restart does not fire again after it', async () => {
    const dir = tempDir();
    const first = await startTollgate({ upstream: fake.url, dataDir: dir });
    const seen: BudgetAlert[] = [];
    first.core.events.on('budget.alert', (a) => seen.push(a));
    // Each default gpt-4o-mini call costs $0.0001512: 4 calls ≈ 60% of $0.001.
    await first.admin('budgets.create', { name: 'restart', period: { kind: 'day' }, limitUsd: 0.001, hardStopPercent: null });
    for (let i = 0; i < 4; i++) await call(first.url);
    expect(seen.map((a) => a.tier)).toEqual([50]);
    await first.stop();
    const second = await startTollgate({ upstream: fake.url, dataDir: dir });
    const after: BudgetAlert[] = [];
    second.core.events.on('budget.alert', (a) => after.push(a));
    try {
      await call(second.url);
      expect(after).toEqual([]);
      await call(second.url);
      expect(after.map((a) => a.tier)).toEqual([80]);
      const recent = (await second.admin<BudgetAlert[]>('alerts.recent')).body.data!;
      expect(recent.map((a) => a.tier)).toEqual([80, 50]);
    } finally {
      await second.stop();
    }
  });
});

describe('baseline and suggestions', () => {
  const days = Array.from({ length: 21 }, (_, i) => `2026-11-${String(8 + i).padStart(2, '0')}`);
  const row = (day: string, keyId: string, costUsd: number, project: string | null = null): RollupRow => ({ ...emptyRollup(day, 'openai', keyId, 'gpt-4o', project), requests: 1, costUsd });

  it('computes daily average, peak, weekly trend, forecast, and the suggested monthly budget and guardrail', () => {
    // $2/day for two weeks, then $3/day for the last week; project "web" on the same key.
    const rollups = days.map((d, i) => row(d, 'k1', i < 14 ? 2 : 3, 'web'));
    const monthDays = days.filter((d) => d >= '2026-11-01');
    const s = suggestBudgets({ rollups, days, monthDays, daysInMonth: 30, keyLabel: (id) => `key-${id}` });
    const key = s.find((x) => x.scope.keyId === 'k1')!;
    expect(key.days).toBe(21);
    expect(key.dailyAverageUsd).toBeCloseTo((14 * 2 + 7 * 3) / 21, 9);
    expect(key.dailyPeakUsd).toBe(3);
    expect(key.weeklyTrendPercent).toBeCloseTo(50, 9);
    // 2.333/day × 30 = $70 baseline; × 1.75 = 122.5 → $130 (two significant digits, 186% of baseline);
    // guardrail 12.5% of 130 = 16.25 → $17 (13%).
    expect(key.suggestedMonthlyUsd).toBe(130);
    expect(key.suggestedDailyGuardrailUsd).toBe(17);
    // Month so far (21 days, $49) + $3/day × 9 remaining days.
    expect(key.forecastMonthEndUsd).toBeCloseTo(49 + 27, 9);
    expect(key.text).toMatch(/\$2\.33 a day over the last 21 days → \$130\.00 a month, \$17\.00 a day guardrail/);
    expect(s.find((x) => x.scope.project === 'web')).toBeDefined();
  });

  it('a key active for only a few days gets a baseline from those days, not diluted by the weeks before', () => {
    const rollups = days.slice(-3).map((d) => row(d, 'new', 4));
    const [s] = suggestBudgets({ rollups, days, monthDays: days, daysInMonth: 30, keyLabel: (id) => id }) as BudgetSuggestion[];
    expect(s!.days).toBe(3);
    expect(s!.dailyAverageUsd).toBe(4);
    expect(s!.weeklyTrendPercent).toBeNull();
  });

  it('is exposed through the admin API', async () => {
    const tg = await startTollgate({ upstream: fake.url });
    try {
      await call(tg.url);
      const r = await tg.admin<BudgetSuggestion[]>('budgets.suggestions');
      expect(r.status).toBe(200);
      expect(r.body.data![0]!.dailyAverageUsd).toBeCloseTo(0.0001512, 9);
    } finally {
      await tg.stop();
    }
  });
});
