import { describe, expect, it } from 'vitest';
import type { Settings } from '../../../../src/main/contract/settings.js';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import type { Budget } from '../../../../src/main/contract/budgets.js';
import { createBudgetEngine } from '../../../../src/main/core/budgets/engine.js';
import { createKnownCounters } from '../../../../src/main/core/budgets/known-counters.js';
import { createSpend } from '../../../../src/main/core/budgets/spend.js';
import { createBudgetState, reindex } from '../../../../src/main/core/budgets/state.js';
import { createPriceDatabase } from '../../../../src/main/core/pricing/price-database.js';
import { createPricer } from '../../../../src/main/core/pricing/pricer.js';
import type { AdmissionInput } from '../../../../src/main/core/proxy/admission.js';
import { defaultSettings } from '../../../../src/main/core/settings/settings.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';
import { budgetFixture } from '../../../support/fixtures.js';

const pricer = createPricer({ db: createPriceDatabase(), overrides: () => [] });

function input(id: string, ts: number, run: string | null = null): AdmissionInput {
  return {
    requestId: id,
    ts,
    provider: 'openai',
    pricing: { routeId: 'openai', pricingProviderId: 'openai', free: false },
    operation: 'chat.completions',
    model: 'gpt-4o-mini',
    keyId: 'k1',
    project: null,
    user: null,
    run,
    call: { model: 'gpt-4o-mini', stream: false, maxOutputTokens: 100, promptText: () => '' },
    bodyBytes: 100,
  };
}

const record = (id: string, ts: number, usd: number, run: string | null = null) =>
  ({ id, ts, usage: { inputTokens: 10, outputTokens: 10, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 }, costUsd: usd, flags: [], run }) as unknown as RequestRecord;

/**
 * Admission and settle find the counters of the budgets a call falls under by position in the scope index's list
 * (known-counters.ts) while no budget changes: enough budgets here that the index hands out the same list.
 */
describe('counters found by position', () => {
  it('follow edits and deletions made while calls are in flight: spend lands in the counters the budgets have then', () => {
    const clock = createManualClock(Date.UTC(2026, 5, 10, 12));
    const settings: Settings = { ...defaultSettings(), timezone: 'UTC' };
    const engine = createBudgetEngine({ clock, settings: () => settings, pricer, tokenizer: { count: () => null, ready: async () => {} }, keyLabel: (id) => id, onChange: () => {}, onAlert: () => {} });
    const ids = Array.from({ length: 40 }, (_, i) => engine.create({ name: `b${i}`, period: { kind: 'day' }, limitUsd: 1000 }).id);
    engine.create({ name: 'per run', scope: { run: '*' }, period: { kind: 'day' }, limitUsd: 1000 });
    const spent = () => new Map(engine.list().map((s) => [`${s.budget.name}${s.run ? `/${s.run}` : ''}`, [s.spentUsd, s.reservedUsd]]));

    // Warm: the same list twice, settled, so every counter is known.
    for (const id of ['w1', 'w2']) {
      const d = engine.admit(input(id, clock.now(), 'r1'));
      if (!d.ok) throw new Error('blocked');
      d.ticket.settle(record(id, clock.now(), 1, 'r1'));
    }
    expect(spent().get('b0')).toEqual([2, 0]);
    expect(spent().get('per run/r1')).toEqual([2, 0]);

    // Two calls with the same facts in flight: both hold the list the index hands out for them.
    const a = engine.admit(input('a', clock.now(), 'r1'));
    const b = engine.admit(input('b', clock.now(), 'r1'));
    if (!a.ok || !b.ok) throw new Error('blocked');
    expect(spent().get('b5')![1]).toBeGreaterThan(0);

    // A new period for b0: its counter is replaced (its reservations carried over), the old one is gone.
    engine.update(ids[0]!, { period: { kind: 'week' } });
    a.ticket.settle(record('a', clock.now(), 3, 'r1'));
    expect(spent().get('b0')![0]).toBe(3);
    expect(spent().get('b1')![0]).toBe(5);
    expect(spent().get('per run/r1')![0]).toBe(5);

    // b1 deleted while b is in flight: its spend goes nowhere; everyone else's lands as before.
    engine.remove(ids[1]!);
    b.ticket.settle(record('b', clock.now(), 4, 'r1'));
    const c = engine.admit(input('c', clock.now()));
    if (!c.ok) throw new Error('blocked');
    c.ticket.settle(record('c', clock.now(), 0.5));
    const after = spent();
    expect(after.has('b1')).toBe(false);
    expect(after.get('b0')).toEqual([7.5, 0]);
    expect(after.get('b2')).toEqual([9.5, 0]);
    expect(after.get('b39')).toEqual([9.5, 0]);
    expect(after.get('per run/r1')).toEqual([9, 0]);
    expect(engine.outstanding).toBe(0);
  });

  it("a list's counters are shared by its calls while the index stands, and found again after an edit; a list with a run budget has none", () => {
    const clock = createManualClock(Date.UTC(2026, 5, 10, 12));
    const settings: Settings = { ...defaultSettings(), timezone: 'UTC' };
    const state = createBudgetState(undefined);
    const spend = createSpend(state, { clock, settings: () => settings });
    const known = createKnownCounters(state, spend);
    const budget = (id: string, scope: Budget['scope']): Budget => budgetFixture({ id, name: id, scope, period: { kind: 'day' }, limitUsd: 10 });
    for (const b of [budget('a', {}), budget('b', { provider: 'openai' })]) state.budgets.set(b.id, b);
    reindex(state);
    const facts = { provider: 'openai', keyId: 'k1', model: 'gpt-4o-mini', project: null, user: null, run: null };
    const list = state.index.candidates(facts);
    // No counters yet (admission makes them): nothing to share.
    expect(known.ofList(list)).toBeNull();
    list.forEach((b) => spend.counterFor(b, null, clock.now()));
    const shared = known.ofList(list)!;
    expect(shared.map((c) => c.budgetId)).toEqual(list.map((b) => b.id));
    expect(known.ofList(list)).toBe(shared);
    // An edit rebuilds the index and may replace a counter: the list's counters are the state's again.
    state.counters.set('a', { ...state.counters.get('a')! });
    reindex(state);
    const again = known.ofList(list)!;
    expect(again).not.toBe(shared);
    expect(again[list.findIndex((b) => b.id === 'a')]).toBe(state.counters.get('a'));
    // A run budget's counter is the run's: a list holding one is never shared.
    state.budgets.set('r', budget('r', { run: '*' }));
    reindex(state);
    const withRun = state.index.candidates({ ...facts, run: 'r1' });
    withRun.forEach((b) => spend.counterFor(b, b.scope.run ? 'r1' : null, clock.now()));
    expect(withRun.some((b) => b.id === 'r')).toBe(true);
    expect(known.ofList(withRun)).toBeNull();
  });
});
