import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { createBudgetEngine } from '../../../../src/main/core/budgets/engine.js';
import { ROLLING_PERIOD } from '../../../../src/main/core/budgets/shared.js';
import { createPriceDatabase } from '../../../../src/main/core/pricing/price-database.js';
import { createPricer } from '../../../../src/main/core/pricing/pricer.js';
import type { AdmissionInput } from '../../../../src/main/core/proxy/admission.js';
import { defaultSettings } from '../../../../src/main/core/settings/settings.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';

const HOUR = 3_600_000;
const pricer = createPricer({ db: createPriceDatabase(), overrides: () => [] });

/** The seam team mode writes the team's spend through, for a rolling window (hourly buckets kept locally). */
function setup() {
  const clock = createManualClock(Date.UTC(2026, 10, 30, 10, 15));
  const settings = { ...defaultSettings(), timezone: 'UTC' };
  const engine = createBudgetEngine({ clock, settings: () => settings, pricer, tokenizer: { count: () => null, ready: async () => {} }, keyLabel: (id) => id, onChange: () => {}, onAlert: () => {} });
  const b = engine.create({ name: 'Rolling', period: { kind: 'rolling', days: 1 }, limitUsd: 100, hardStopPercent: 100 });
  let n = 0;
  const spend = (usd: number) => {
    const id = `r${++n}`;
    const model = 'gpt-4o-mini';
    const input: AdmissionInput = {
      requestId: id,
      ts: clock.now(),
      provider: 'openai',
      pricing: { routeId: 'openai', pricingProviderId: 'openai', free: false },
      operation: 'chat.completions',
      model,
      keyId: 'k1',
      project: null,
      user: null,
      run: null,
      call: { model, stream: false, maxOutputTokens: 1, promptText: () => '' },
      bodyBytes: 1,
    };
    const d = engine.admit(input);
    if (!d.ok) throw new Error(d.message);
    const held = engine.held(d.ticket, true);
    d.ticket.settle({ id, ts: input.ts, usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 }, costUsd: usd, flags: [] } as unknown as RequestRecord);
    return held;
  };
  const spent = () => engine.list().find((s) => s.budget.id === b.id)!.spentUsd;
  return { clock, engine, b, spend, spent };
}

describe('the shared seam, for rolling windows', () => {
  it('holds a rolling budget under one period key for good, with its window length', () => {
    const { b, spend } = setup();
    const [hold] = spend(1);
    expect(hold).toMatchObject({ key: b.id, periodKey: ROLLING_PERIOD, windowMs: 24 * HOUR, stopUsd: 100 });
  });

  it("takes the team's figure, and its window still slides locally without going below zero", () => {
    const { clock, engine, b, spend, spent } = setup();
    spend(5);
    // Another instance spent 3 more this hour.
    engine.applyShared(b.id, ROLLING_PERIOD, 8, 0);
    expect(spent()).toBeCloseTo(8, 12);
    // A figure for another period key is not this counter's.
    engine.applyShared(b.id, 'r:2026-11-30', 50, 0);
    expect(spent()).toBeCloseTo(8, 12);

    // Two hours on, the team reports less than known here (say its Redis lost data): 3.
    clock.advance(2 * HOUR);
    spend(1);
    engine.applyShared(b.id, ROLLING_PERIOD, 3, 0);
    expect(spent()).toBeCloseTo(3, 12);
    // Once the first hour leaves the window what is left is what was spent after it, never a negative sum.
    clock.advance(23 * HOUR);
    expect(spent()).toBeGreaterThanOrEqual(0);
    expect(spent()).toBeLessThanOrEqual(3);
    clock.advance(2 * HOUR);
    expect(spent()).toBe(0);
  });
});
