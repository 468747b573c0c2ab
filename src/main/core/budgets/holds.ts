import type { Budget } from '../../contract/budgets.js';
import { counterKey, type Counter } from './counters.js';

/**
 * What one admitted call holds against each budget it falls under, as one record for the call rather than one
 * object per budget: a call under 60 budgets held 60 objects for as long as it was in flight, long enough to be
 * copied by the young generation's collections (bench/profile.ts put garbage collection at twice its share without
 * budgets). Every reservation that is not a stream's holds the call's worst case. A stream's reservations all
 * start at the same expected cost and move together (each check grows every one of them by the same running
 * cost), so a streamed call keeps one set of stream figures, not a set per budget, which cost an array per call
 * and an array read per budget at every check.
 */
export interface Holds {
  /** The budgets held against, in admission's order: the scope index's list, shared and never changed. */
  budgets: readonly Budget[];
  /** The call's run: a run budget's counter is the run's. */
  run: string | null;
  /** The call streams: its reservations under budgets that do not admit strictly are streams' (they can be cut). */
  streamed: boolean;
  /** What each reservation holds when it is not a stream's. */
  usd: number;
  tokens: number;
  /** What each stream reservation holds: its expected cost at first, then at least its running cost. */
  streamUsd: number;
  streamTokens: number;
  /** The stream's running cost at its last check, and its latest step (what it added since the check before). */
  liveUsd: number;
  liveTokens: number;
  stepUsd: number;
}

/** What one check moved a stream's figures by (`advance`): the same for each of its stream reservations. */
export interface StreamDelta {
  liveUsd: number;
  liveTokens: number;
  heldUsd: number;
  heldTokens: number;
  stepUsd: number;
}

/** A call's holds: `usd` and `tokens` for each reservation; a streamed call's stream figures are set by admission. */
export function newHolds(budgets: readonly Budget[], run: string | null, streamed: boolean, usd: number, tokens: number): Holds {
  return { budgets, run, streamed, usd, tokens, streamUsd: 0, streamTokens: 0, liveUsd: 0, liveTokens: 0, stepUsd: 0 };
}

export function holdKey(h: Holds, i: number): string {
  const b = h.budgets[i]!;
  return counterKey(b.id, b.scope.run ? h.run : null);
}

/** The reservation is a stream's: held at its expected output, growing with its running cost. */
export function isStream(h: Holds, i: number): boolean {
  return h.streamed && h.budgets[i]!.admission !== 'strict';
}

export function heldUsd(h: Holds, i: number): number {
  return isStream(h, i) ? h.streamUsd : h.usd;
}

export function heldTokens(h: Holds, i: number): number {
  return isStream(h, i) ? h.streamTokens : h.tokens;
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
    c.streamHeldUsd = less(c.streamHeldUsd, usd);
    c.streamHeldTokens = less(c.streamHeldTokens, tokens);
    c.streamLiveUsd = less(c.streamLiveUsd, h.liveUsd);
    c.streamLiveTokens = less(c.streamLiveTokens, h.liveTokens);
    c.streamStepUsd = less(c.streamStepUsd, h.stepUsd);
  }
  if (--c.inFlight <= 0) clearHolds(c);
}

/**
 * A stream's running cost and latest step into its figures: live, and its hold once the running cost passes what
 * it held. Fills `d` with what changed, for `grow` to add to each of its stream reservations' counters.
 */
export function advance(h: Holds, usdNow: number, tokensNow: number, stepUsd: number, d: StreamDelta): void {
  d.liveUsd = usdNow - h.liveUsd;
  d.liveTokens = tokensNow - h.liveTokens;
  d.heldUsd = usdNow > h.streamUsd ? usdNow - h.streamUsd : 0;
  d.heldTokens = tokensNow > h.streamTokens ? tokensNow - h.streamTokens : 0;
  d.stepUsd = stepUsd - h.stepUsd;
  h.liveUsd = usdNow;
  h.liveTokens = tokensNow;
  h.streamUsd += d.heldUsd;
  h.streamTokens += d.heldTokens;
  h.stepUsd = stepUsd;
}

/** One check's change to a stream (`advance`) into the counter of one of its stream reservations, under `b`. */
export function grow(c: Counter, b: Budget, d: StreamDelta): void {
  c.streamLiveUsd += d.liveUsd;
  c.streamLiveTokens += d.liveTokens;
  if (d.heldUsd > 0) {
    c.reservedUsd += d.heldUsd;
    c.streamHeldUsd += d.heldUsd;
    if (b.dailyGuardrailUsd !== null) c.guardReservedUsd += d.heldUsd;
  }
  if (d.heldTokens > 0) {
    c.reservedTokens += d.heldTokens;
    c.streamHeldTokens += d.heldTokens;
  }
  c.streamStepUsd += d.stepUsd;
}

/** Gives back everything a call holds, to the counters that still exist. */
export function releaseHolds(counters: Map<string, Counter>, h: Holds): void {
  for (let i = 0; i < h.budgets.length; i++) {
    const c = counters.get(holdKey(h, i));
    if (c) unreserve(c, h, i);
  }
}
