import type { Budget } from '../../contract/budgets.js';
import type { TokenUsage } from '../../contract/usage.js';
import type { Pricer, PricingTarget } from '../pricing/pricer.js';
import type { Counter } from './counters.js';
import { tokens as fmtTokens, usd } from './format.js';
import type { Spend } from './spend.js';
import type { Worst } from './state.js';
import { HOW_TO_RAISE, type Words } from './words.js';

/**
 * How a call fits one budget's hard stop or daily guardrail: whole, with its output cap lowered to `clampTo`,
 * or not at all: `message`; `spentOut` when spend has reached the stop; `alone` when the call would not fit even
 * with nothing else in flight (the budget is stopped for it, not waiting for other requests to finish).
 */
export type Fit = { clampTo: number } | { message: string; spentOut: boolean; alone: boolean } | null;

/**
 * A worst-case usage: all input priced as cache writes, the dearest way to pay for an input token: 1-hour writes
 * (2× on Anthropic) where the call may write them, else 5-minute ones (1.25×).
 */
export function worstUsage(inputTokens: number, outputTokens: number, longCache = true): TokenUsage {
  return longCache
    ? { inputTokens, cacheWrite1hTokens: inputTokens, cacheReadTokens: 0, cacheWrite5mTokens: 0, outputTokens, reasoningTokens: 0 }
    : { inputTokens, cacheWrite1hTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: inputTokens, outputTokens, reasoningTokens: 0 };
}

/**
 * Fills in a worst case's input share and per-output-token price (NaN until asked: one more quote, which most
 * calls, far from any stop and not streamed, never need). Output is priced per token, so these two give the
 * cost at any other output cap.
 */
export function splitWorst(pricer: Pricer, w: Worst, target: PricingTarget, model: string, at: number): void {
  if (!Number.isNaN(w.inputUsd)) return;
  if (w.usd === null) {
    w.inputUsd = 0;
    w.perOutputUsd = 0;
    return;
  }
  w.inputUsd = pricer.quote(target, model, worstUsage(w.inputTokens, 0, w.longCache), { at }).costUsd ?? 0;
  w.perOutputUsd = w.outputTokens > 0 ? (w.usd - w.inputUsd) / w.outputTokens : 0;
}

/** Output tokens a room affords after the input; Infinity when output is free. */
function affordable(room: number, inputCost: number, perOutput: number): number {
  if (room < inputCost) return -1;
  if (perOutput <= 0) return Infinity;
  // The epsilon keeps a division that lands exactly on a whole token from rounding one below it.
  return Math.floor((room - inputCost) / perOutput + 1e-9);
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Clamp before block: a call whose worst case does not fit the room left before a stop is forwarded with its
 * output cap lowered to what the room affords, as long as its input and `floor` output tokens fit. Only the
 * numbers are computed on the request path; words are built for a block.
 */
export function createFit(deps: { spend: Spend; words: Words; split: (w: Worst) => void }) {
  const { spend, words, split } = deps;

  function hardStop(b: Budget, c: Counter, worst: Worst, floor: number, now: number): Fit {
    const hs = b.hardStopPercent!;
    const limUsd = spend.limitUsd(b, now);
    const limTok = spend.limitTokens(b, now);
    let roomUsd = Infinity;
    let roomTok = Infinity;
    let spentUsd = 0;
    let spentTok = 0;
    if (limUsd !== null && worst.usd !== null) {
      spentUsd = spend.spentUsd(b, c, now);
      roomUsd = (limUsd * hs) / 100 - spentUsd - c.reservedUsd;
    }
    if (limTok !== null) {
      spentTok = spend.spentTokens(b, c, now);
      roomTok = (limTok * hs) / 100 - spentTok - c.reservedTokens;
    }
    if ((worst.usd === null || worst.usd <= roomUsd) && worst.tokens <= roomTok) return null;
    split(worst);
    const byUsd = affordable(roomUsd, worst.inputUsd, worst.perOutputUsd);
    const byTok = roomTok - worst.inputTokens;
    const can = Math.min(byUsd, byTok);
    if (can >= floor) return { clampTo: can };

    const alone = Math.min(affordable(roomUsd + c.reservedUsd, worst.inputUsd, worst.perOutputUsd), byTok + c.reservedTokens) < floor;
    const stopUsd = limUsd !== null ? (limUsd * hs) / 100 : null;
    const stopTok = limTok !== null ? (limTok * hs) / 100 : null;
    const spentOut = (stopUsd !== null && worst.usd !== null && spentUsd >= stopUsd) || (stopTok !== null && spentTok >= stopTok);
    const head = `Tollgate blocked this request: budget "${words.name(b, c)}" (${words.scope(b)})`;
    const tail = `It resets ${words.reset(c)}. ${HOW_TO_RAISE}`;
    if (spentOut) {
      const held = c.reservedUsd > 0 ? `, with ${usd(c.reservedUsd)} held by requests in flight` : '';
      return { spentOut, alone, message: `${head} is at its hard stop: ${words.spend(b, spend.spentOf(b, c, now), spend.limitsOf(b, now))}, stop at ${hs}%${held}. ${tail}` };
    }
    let left: string;
    if (byUsd < floor && stopUsd !== null) {
      const held = c.reservedUsd > 0 ? ` (${usd(c.reservedUsd)} of it held by requests in flight)` : '';
      left = `has ${usd(Math.max(0, stopUsd - spentUsd - c.reservedUsd))} left before its stop at ${usd(stopUsd)}${held}; this request needs at least ${usd(worst.inputUsd + floor * worst.perOutputUsd)}`;
    } else {
      const held = c.reservedTokens > 0 ? ` (${fmtTokens(c.reservedTokens)} of it held by requests in flight)` : '';
      left = `has ${fmtTokens(Math.max(0, stopTok! - spentTok - c.reservedTokens))} left before its stop at ${fmtTokens(stopTok!)}${held}; this request needs at least ${fmtTokens(worst.inputTokens + floor)}`;
    }
    return { spentOut, alone, message: `${head} ${left} (its input and ${count(floor)} output tokens). ${tail}` };
  }

  function guardrail(b: Budget, c: Counter, worst: Worst, floor: number, now: number): Fit {
    const cap = b.dailyGuardrailUsd!;
    if (worst.usd === null) return null;
    const room = cap - c.guardSpentUsd - c.guardReservedUsd;
    if (worst.usd <= room) return null;
    split(worst);
    const can = affordable(room, worst.inputUsd, worst.perOutputUsd);
    if (can >= floor) return { clampTo: can };
    return {
      spentOut: c.guardSpentUsd >= cap,
      alone: affordable(room + c.guardReservedUsd, worst.inputUsd, worst.perOutputUsd) < floor,
      message: `Tollgate blocked this request: budget "${b.name}" (${words.scope(b)}) reached its daily guardrail: ${usd(c.guardSpentUsd)} of ${usd(cap)} today; this request needs at least ${usd(worst.inputUsd + floor * worst.perOutputUsd)} (its input and ${count(floor)} output tokens). It resets at ${words.when(spend.day(now).end)}. ${HOW_TO_RAISE}`,
    };
  }

  return { hardStop, guardrail };
}

export type Fits = ReturnType<typeof createFit>;
