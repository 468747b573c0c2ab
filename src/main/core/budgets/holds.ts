import type { Budget } from '../../contract/budgets.js';
import { counterKey, type Counter } from './counters.js';

/**
 * What one admitted call holds against each budget it falls under, as one record for the call rather than one
 * object per budget: a call under 60 budgets held 60 objects for as long as it was in flight, long enough to be
 * copied by the young generation's collections (bench/profile.ts put garbage collection at twice its share without
 * budgets). Every reservation that is not a stream's holds the call's worst case; a stream's all start at the same
 * expected cost and then move on their own, so per-budget figures exist only for a call that streams.
 */
export interface Holds {
  /** The budgets held against, in admission's order: the scope index's list, shared and never changed. */
  budgets: readonly Budget[];
  /** The call's run: a run budget's counter is the run's. */
  run: string | null;
  /** The call streams: its reservations under budgets that do not admit strictly are streams' (they can be cut). */
  streamed: boolean;
  /** What each reservation holds when the call does not stream. */
  usd: number;
  tokens: number;
  /** A streamed call: SLOTS figures per budget, by position (see the offsets below); null otherwise. */
  amounts: Float64Array | null;
}

/** Per budget in `amounts`: what the reservation holds, a stream's running cost so far, and its latest step. */
export const SLOTS = 5;
const USD = 0;
const TOKENS = 1;
const LIVE_USD = 2;
const LIVE_TOKENS = 3;
const STEP_USD = 4;

export function holdKey(h: Holds, i: number): string {
  const b = h.budgets[i]!;
  return counterKey(b.id, b.scope.run ? h.run : null);
}

/** The reservation is a stream's: held at its expected output, growing with its running cost. */
export function isStream(h: Holds, i: number): boolean {
  return h.streamed && h.budgets[i]!.admission !== 'strict';
}

export function heldUsd(h: Holds, i: number): number {
  return h.amounts === null ? h.usd : h.amounts[i * SLOTS + USD]!;
}

export function heldTokens(h: Holds, i: number): number {
  return h.amounts === null ? h.tokens : h.amounts[i * SLOTS + TOKENS]!;
}

/**
 * Streamed calls' figure arrays, reused: a Float64Array this size keeps its bytes outside the JS heap, and making
 * one cost about 3.5 µs on this project's bench machine (allocation, zeroing and the collector's bookkeeping for
 * memory it does not own), against about 10 ns to take one back from here. Bounded: past `max` spare arrays,
 * what comes back is left to the collector.
 */
export interface AmountsPool {
  /** Room for a streamed call's figures under `n` budgets, all 0 (each reservation then set with `setHeld`). */
  take(n: number): Float64Array;
  /** An array no open ticket reads any more. */
  give(a: Float64Array): void;
}

export function createAmountsPool(max = 256): AmountsPool {
  const spare: Float64Array[] = [];
  return {
    take(n) {
      const len = n * SLOTS;
      const a = spare.pop();
      if (a === undefined || a.length < len) return new Float64Array(len);
      a.fill(0, 0, len);
      return a;
    },
    give(a) {
      if (spare.length < max) spare.push(a);
    },
  };
}

export function setHeld(amounts: Float64Array, i: number, usd: number, tokens: number): void {
  amounts[i * SLOTS + USD] = usd;
  amounts[i * SLOTS + TOKENS] = tokens;
}

/** Takes one call's reservation on a counter: `usd` and `tokens` held, a stream's (isStream) also as such. */
export function reserve(c: Counter, b: Budget, usd: number, tokens: number, stream: boolean): void {
  if (stream) {
    c.streamHeldUsd += usd;
    c.streamHeldTokens += tokens;
  }
  c.reservedUsd += usd;
  c.reservedTokens += tokens;
  if (b.dailyGuardrailUsd !== null) c.guardReservedUsd += usd;
  c.inFlight++;
}

/** A held sum less one hold, never below 0 (the crumbs below are cleared with the last call in flight). */
const less = (held: number, d: number) => {
  const v = held - d;
  return v < 1e-12 ? 0 : v;
};

/**
 * The last call in flight on a counter has given its reservation back: every held sum is exactly 0. Floats added
 * and taken away in different orders leave crumbs that grow with the sums' size and the number of calls: a
 * four-minute soak of 200 clients (sums up to about $100) left more than the 1e-12 a threshold could absorb.
 */
function clearHolds(c: Counter): void {
  c.inFlight = 0;
  c.reservedUsd = 0;
  c.reservedTokens = 0;
  c.guardReservedUsd = 0;
  c.streamHeldUsd = 0;
  c.streamHeldTokens = 0;
  c.streamLiveUsd = 0;
  c.streamLiveTokens = 0;
  c.streamStepUsd = 0;
}

/**
 * What calls in flight hold on `from`, onto `to` (a budget's new counter when its period changes): streams' held,
 * live and step figures too, which their checks and their release read from whichever counter is the budget's.
 */
export function carryHolds(from: Counter, to: Counter): void {
  to.inFlight = from.inFlight;
  to.reservedUsd = from.reservedUsd;
  to.reservedTokens = from.reservedTokens;
  to.guardReservedUsd = from.guardReservedUsd;
  to.streamHeldUsd = from.streamHeldUsd;
  to.streamHeldTokens = from.streamHeldTokens;
  to.streamLiveUsd = from.streamLiveUsd;
  to.streamLiveTokens = from.streamLiveTokens;
  to.streamStepUsd = from.streamStepUsd;
}

/** Gives the i-th reservation back to its counter. */
export function unreserve(c: Counter, h: Holds, i: number): void {
  const usd = heldUsd(h, i);
  const tokens = heldTokens(h, i);
  c.reservedUsd = less(c.reservedUsd, usd);
  c.reservedTokens = less(c.reservedTokens, tokens);
  if (h.budgets[i]!.dailyGuardrailUsd !== null) c.guardReservedUsd = less(c.guardReservedUsd, usd);
  if (isStream(h, i)) {
    const a = h.amounts!;
    const o = i * SLOTS;
    c.streamHeldUsd = less(c.streamHeldUsd, usd);
    c.streamHeldTokens = less(c.streamHeldTokens, tokens);
    c.streamLiveUsd = less(c.streamLiveUsd, a[o + LIVE_USD]!);
    c.streamLiveTokens = less(c.streamLiveTokens, a[o + LIVE_TOKENS]!);
    c.streamStepUsd = less(c.streamStepUsd, a[o + STEP_USD]!);
  }
  if (--c.inFlight <= 0) clearHolds(c);
}

/**
 * A stream's running cost and latest step into its counter (the i-th reservation, a stream's): live, and its hold
 * once the running cost passes what it held.
 */
export function grow(c: Counter, h: Holds, i: number, usdNow: number, tokensNow: number, stepUsd: number): void {
  const a = h.amounts!;
  const o = i * SLOTS;
  c.streamLiveUsd += usdNow - a[o + LIVE_USD]!;
  c.streamLiveTokens += tokensNow - a[o + LIVE_TOKENS]!;
  a[o + LIVE_USD] = usdNow;
  a[o + LIVE_TOKENS] = tokensNow;
  if (usdNow > a[o + USD]!) {
    const d = usdNow - a[o + USD]!;
    c.reservedUsd += d;
    c.streamHeldUsd += d;
    if (h.budgets[i]!.dailyGuardrailUsd !== null) c.guardReservedUsd += d;
    a[o + USD] = usdNow;
  }
  if (tokensNow > a[o + TOKENS]!) {
    const d = tokensNow - a[o + TOKENS]!;
    c.reservedTokens += d;
    c.streamHeldTokens += d;
    a[o + TOKENS] = tokensNow;
  }
  c.streamStepUsd += stepUsd - a[o + STEP_USD]!;
  a[o + STEP_USD] = stepUsd;
}

/** Gives back everything a call holds, to the counters that still exist. */
export function releaseHolds(counters: Map<string, Counter>, h: Holds): void {
  for (let i = 0; i < h.budgets.length; i++) {
    const c = counters.get(holdKey(h, i));
    if (c) unreserve(c, h, i);
  }
}
