import { describe, expect, it } from 'vitest';
import type { Budget } from '../../../../src/main/contract/budgets.js';
import { newCounter } from '../../../../src/main/core/budgets/counters.js';
import { createAmountsPool, grow, reserve, setHeld, unreserve, type Holds } from '../../../../src/main/core/budgets/holds.js';
import { periodAt } from '../../../../src/main/core/budgets/periods.js';
import { budgetFixture } from '../../../support/fixtures.js';

const NOW = Date.UTC(2026, 10, 30, 12);

function budget(): Budget {
  return budgetFixture({ id: 'b', name: 'b', period: { kind: 'month' }, limitUsd: 100_000, thresholds: [50], hardStopPercent: 120, counts: 'observed' });
}

/** A seeded generator, so the run below is the same every time. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const held = (b: Budget, usd: number, tokens: number): Holds => ({ budgets: [b], run: null, streamed: false, usd, tokens, amounts: null });

describe('reservations on a counter', () => {
  it('read exactly 0 once the last call in flight gives its reservation back, whatever crumbs the floats left', () => {
    const b = budget();
    const c = newCounter('b', null, periodAt(b.period, NOW, 'UTC'), NOW);
    const rnd = lcg(9);
    const live: Holds[] = [];
    // The same arithmetic in plain floats: the crumb it ends with is what the counter must not keep.
    let plain = 0;
    const release = () => {
      const [h] = live.splice(Math.floor(rnd() * live.length), 1);
      unreserve(c, h!, 0);
      plain -= h!.usd;
    };
    // 60,000 steps, up to 200 calls in flight, each holding $0.05-20: sums of up to a few thousand dollars.
    for (let k = 0; k < 60_000; k++) {
      if (live.length < 200) {
        const usd = 0.05 + rnd() * 20;
        const h = held(b, usd, Math.round(usd * 1000));
        reserve(c, b, h.usd, h.tokens, false);
        live.push(h);
        plain += usd;
      }
      if (live.length >= 200 || rnd() < 0.3) release();
    }
    expect(c.inFlight).toBe(live.length);
    expect(c.reservedUsd).toBeCloseTo(plain, 6);
    while (live.length) release();
    // Without clearing, the counter would read this (more than a threshold of 1e-12 absorbs): a budget with
    // nothing in flight that still says it holds money.
    expect(Math.abs(plain)).toBeGreaterThan(1e-12);
    expect(c.reservedUsd).toBe(0);
    expect(c.reservedTokens).toBe(0);
    expect(c.inFlight).toBe(0);
  });

  it("a stream's held, live and step figures are 0 again after the last call, and not before", () => {
    const b = budget();
    const c = newCounter('b', null, periodAt(b.period, NOW, 'UTC'), NOW);
    const stream = (usd: number, tokens: number): Holds => {
      const h: Holds = { budgets: [b], run: null, streamed: true, usd: 0, tokens: 0, amounts: createAmountsPool().take(1) };
      setHeld(h.amounts!, 0, usd, tokens);
      reserve(c, b, usd, tokens, true);
      return h;
    };
    const a = stream(0.3, 3000);
    const d = stream(0.7, 7000);
    grow(c, a, 0, 0.1, 1000, 0.01);
    grow(c, d, 0, 0.9, 9000, 0.02); // past its hold: the hold grows with it
    expect(c.inFlight).toBe(2);
    unreserve(c, a, 0);
    expect(c.inFlight).toBe(1);
    expect(c.reservedUsd).toBeCloseTo(0.9, 9);
    expect(c.streamLiveUsd).toBeCloseTo(0.9, 9);
    unreserve(c, d, 0);
    expect([c.reservedUsd, c.reservedTokens, c.streamHeldUsd, c.streamHeldTokens, c.streamLiveUsd, c.streamLiveTokens, c.streamStepUsd, c.inFlight]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('a reused figures array comes back all 0 where the next call reads it, and the pool keeps at most its bound', () => {
    const pool = createAmountsPool(2);
    const a = pool.take(3);
    expect(a.length).toBe(15);
    a.fill(7);
    pool.give(a);
    const again = pool.take(2);
    expect(again).toBe(a);
    expect([...again.subarray(0, 10)]).toEqual(new Array(10).fill(0));
    pool.give(again);
    // Too short for 4 budgets: a new array, and the short one is not handed out again.
    const big = pool.take(4);
    expect(big).not.toBe(a);
    expect(big.length).toBe(20);
    const spares = [pool.take(1), pool.take(1), pool.take(1)];
    for (const x of spares) pool.give(x);
    const out = [pool.take(1), pool.take(1), pool.take(1)];
    // Two came back from the pool, the third is new.
    expect(out.filter((x) => spares.includes(x)).length).toBe(2);
  });
});
