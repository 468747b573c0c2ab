import { describe, expect, it } from 'vitest';
import type { Budget } from '../../../../src/main/contract/budgets.js';
import { newCounter } from '../../../../src/main/core/budgets/counters.js';
import { advance, grow, newHolds, reserve, unreserve, type Holds, type StreamDelta } from '../../../../src/main/core/budgets/holds.js';
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

const held = (b: Budget, usd: number, tokens: number): Holds => newHolds([b], null, false, usd, tokens);

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
      const h = newHolds([b], null, true, 0, 0);
      h.streamUsd = usd;
      h.streamTokens = tokens;
      reserve(c, b, usd, tokens, true);
      return h;
    };
    const check = (h: Holds, usdNow: number, tokensNow: number, step: number) => {
      const d: StreamDelta = { liveUsd: 0, liveTokens: 0, heldUsd: 0, heldTokens: 0, stepUsd: 0 };
      advance(h, usdNow, tokensNow, step, d);
      grow(c, b, d);
    };
    const a = stream(0.3, 3000);
    const d = stream(0.7, 7000);
    check(a, 0.1, 1000, 0.01);
    check(d, 0.9, 9000, 0.02); // past its hold: the hold grows with it
    expect(d.streamUsd).toBeCloseTo(0.9, 12);
    expect(c.streamLiveUsd).toBeCloseTo(1.0, 9);
    expect(c.streamStepUsd).toBeCloseTo(0.03, 12);
    expect(c.inFlight).toBe(2);
    unreserve(c, a, 0);
    expect(c.inFlight).toBe(1);
    expect(c.reservedUsd).toBeCloseTo(0.9, 9);
    expect(c.streamLiveUsd).toBeCloseTo(0.9, 9);
    unreserve(c, d, 0);
    expect([c.reservedUsd, c.reservedTokens, c.streamHeldUsd, c.streamHeldTokens, c.streamLiveUsd, c.streamLiveTokens, c.streamStepUsd, c.inFlight]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
