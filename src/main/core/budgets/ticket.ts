import type { Settings } from '../../contract/settings.js';
import type { RequestRecord } from '../../contract/usage.js';
import type { Pricer, PricingTarget } from '../pricing/pricer.js';
import { NOOP_TICKET, type AdmissionInput, type AdmissionTicket } from '../proxy/admission.js';
import type { MeteredUsage } from '../providers/types.js';
import { approxTokens } from '../tokens/estimate.js';
import type { Clock } from '../util/clock.js';
import type { BudgetAlerts } from './alerts.js';
import type { Audit } from './audit.js';
import { addSpend, rollTo, type Counter } from './counters.js';
import type { ExpectedOutput } from './expected-output.js';
import { splitWorst } from './fit.js';
import { tokens as fmtTokens, usd } from './format.js';
import type { Spend } from './spend.js';
import type { BudgetState, Reservation, Worst } from './state.js';
import { HOW_TO_RAISE } from './words.js';
import { createZoneAt } from '../time/zoned.js';

export interface Tickets {
  /** The ticket for an admitted call holding `reservations` (the no-op ticket when it holds none). */
  open(id: string, reservations: Reservation[], worst: Worst, target: PricingTarget, model: string, input: AdmissionInput): AdmissionTicket;
  unreserve(c: Counter, r: Reservation): void;
}

interface Deps {
  clock: Clock;
  settings: () => Settings;
  pricer: Pricer;
  onChange: () => void;
  spend: Spend;
  alerts: BudgetAlerts;
  audit: Audit;
  expected: ExpectedOutput;
}

/**
 * A held sum less one hold. Sums of floats added and taken away in different orders leave crumbs (5e-18 after
 * 200 calls): below a billionth of a cent, a counter with nothing in flight reads exactly 0 again.
 */
const less = (held: number, d: number) => {
  const v = held - d;
  return v < 1e-12 ? 0 : v;
};

export function createTickets(state: BudgetState, deps: Deps): Tickets {
  const { spend } = deps;
  const zoneAt = createZoneAt(() => deps.settings().timezone);

  function unreserve(c: Counter, r: Reservation) {
    c.reservedUsd = less(c.reservedUsd, r.usd);
    c.reservedTokens = less(c.reservedTokens, r.tokens);
    if (r.guard) c.guardReservedUsd = less(c.guardReservedUsd, r.usd);
    if (r.stream) {
      c.streamHeldUsd = less(c.streamHeldUsd, r.usd);
      c.streamHeldTokens = less(c.streamHeldTokens, r.tokens);
      c.streamLiveUsd = less(c.streamLiveUsd, r.liveUsd);
      c.streamLiveTokens = less(c.streamLiveTokens, r.liveTokens);
      c.streamStepUsd = less(c.streamStepUsd, r.stepUsd ?? 0);
    }
  }

  /** A stream's running cost into its counter: live, and its hold once the running cost passes what it held. */
  function grow(c: Counter, r: Reservation, usdNow: number, tokensNow: number) {
    c.streamLiveUsd += usdNow - r.liveUsd;
    c.streamLiveTokens += tokensNow - r.liveTokens;
    r.liveUsd = usdNow;
    r.liveTokens = tokensNow;
    if (usdNow > r.usd) {
      const d = usdNow - r.usd;
      c.reservedUsd += d;
      c.streamHeldUsd += d;
      if (r.guard) c.guardReservedUsd += d;
      r.usd = usdNow;
    }
    if (tokensNow > r.tokens) {
      const d = tokensNow - r.tokens;
      c.reservedTokens += d;
      c.streamHeldTokens += d;
      r.tokens = tokensNow;
    }
  }

  function open(id: string, reservations: Reservation[], worst: Worst, target: PricingTarget, model: string, input: AdmissionInput): AdmissionTicket {
    if (reservations.length === 0) return NOOP_TICKET;
    state.tickets.set(id, { reservations, at: input.ts, worst, target, model, input });
    const streams = reservations.some((r) => r.stream);
    let cutChecked = -Infinity;
    // The running cost at the last check (its input at first): what the stream added since is its step.
    let lastUsd: number | null = null;

    /** What the call has cost so far: its metered input once the stream reports it, else the worst case's. */
    function running(m: MeteredUsage, out: number): { usd: number | null; tokens: number } {
      const u = m.usage;
      if (u && u.inputTokens) {
        const usage = { inputTokens: u.inputTokens, cacheReadTokens: u.cacheReadTokens ?? 0, cacheWrite5mTokens: u.cacheWrite5mTokens ?? 0, cacheWrite1hTokens: u.cacheWrite1hTokens ?? 0, outputTokens: out, reasoningTokens: 0 };
        return { usd: deps.pricer.quote(target, model, usage, { at: input.ts }).costUsd, tokens: u.inputTokens + out };
      }
      splitWorst(deps.pricer, worst, target, model, input.ts);
      return { usd: worst.usd === null ? null : worst.inputUsd + out * worst.perOutputUsd, tokens: worst.inputTokens + out };
    }

    return {
      progress(m: MeteredUsage) {
        const outSoFar = Math.max(m.usage?.outputTokens ?? 0, approxTokens(m.textChars));
        // A worst-case reservation covers the whole output: only a stream that outgrows it needs checking.
        if ((!streams && outSoFar <= worst.outputTokens) || outSoFar - cutChecked < 16) return null;
        // Given back already (the sweep's stale-ticket release): what it would add to the counters stays there.
        if (!state.tickets.has(id)) return null;
        cutChecked = outSoFar;
        const run = running(m, outSoFar);
        if (lastUsd === null && run.usd !== null) lastUsd = running(m, 0).usd;
        const stepUsd = run.usd !== null && lastUsd !== null ? Math.max(0, run.usd - lastUsd) : 0;
        lastUsd = run.usd;
        const enforced = deps.settings().hardStopEnforcement;
        const now = deps.clock.now();
        let message: string | null = null;
        for (const r of reservations) {
          const c = state.counters.get(r.key);
          if (!c) continue;
          if (r.stream) {
            grow(c, r, run.usd ?? 0, run.tokens);
            c.streamStepUsd += stepUsd - (r.stepUsd ?? 0);
            r.stepUsd = stepUsd;
          }
          const b = r.budget;
          if (!enforced || message !== null || b.hardStopPercent === null) continue;
          // Streams count at what they have really produced, everything else at what it holds: streams compete
          // for the room by use. A stream is ended once the room left cannot take the next step of every live
          // stream (each about what it sent since its last check), so the stop is passed by at most the chunk
          // each stream has in flight when it is ended.
          const limUsd = spend.limitUsd(b, now);
          const committedUsd = r.stream ? c.reservedUsd - c.streamHeldUsd + c.streamLiveUsd + c.streamStepUsd : c.reservedUsd - r.usd + (run.usd ?? 0);
          if (limUsd !== null && run.usd !== null && spend.spentUsd(b, c, now) + committedUsd > (limUsd * b.hardStopPercent) / 100) {
            message = `Tollgate ended this stream: it would carry budget "${b.name}" past its hard stop (${usd((limUsd * b.hardStopPercent) / 100)}). ${HOW_TO_RAISE}`;
            continue;
          }
          const limTok = spend.limitTokens(b, now);
          const committedTok = r.stream ? c.reservedTokens - c.streamHeldTokens + c.streamLiveTokens : c.reservedTokens - r.tokens + run.tokens;
          if (limTok !== null && spend.spentTokens(b, c, now) + committedTok > (limTok * b.hardStopPercent) / 100) {
            message = `Tollgate ended this stream: it would carry budget "${b.name}" past its hard stop (${fmtTokens((limTok * b.hardStopPercent) / 100)}). ${HOW_TO_RAISE}`;
          }
        }
        return message;
      },
      settle(record: RequestRecord) {
        if (!state.tickets.delete(id)) return;
        const now = deps.clock.now();
        const used = record.usage.inputTokens + record.usage.outputTokens;
        for (const r of reservations) {
          const c = state.counters.get(r.key) ?? spend.counterFor(r.budget, r.key.includes('#') ? record.run : null, now);
          unreserve(c, r);
          const b = state.budgets.get(r.budget.id);
          if (!b) continue; // deleted while in flight
          rollTo(c, b, now, zoneAt(now));
          addSpend(c, b, record.costUsd ?? 0, used, now);
          if (record.costUsd === null) c.unpriced++;
          if (b.dailyGuardrailUsd !== null) {
            spend.counterFor(b, c.run, now);
            c.guardSpentUsd += record.costUsd ?? 0;
          }
          deps.alerts.check(b, c, now);
        }
        // What calls of this key and model usually produce, for the next streams' reservations; a cut or broken
        // answer says nothing about that.
        if (!record.flags.some((f) => f === 'cut-off' || f === 'partial' || f === 'error')) deps.expected.record(input.keyId, model, record.usage.outputTokens);
        if (record.flags.includes('cut-off')) deps.audit.record('cut-off', record.note ?? 'stream ended at a hard stop', reservations[0]!.budget.id, record.id);
        deps.onChange();
      },
      release() {
        if (!state.tickets.delete(id)) return;
        for (const r of reservations) {
          const c = state.counters.get(r.key);
          if (c) unreserve(c, r);
        }
        deps.onChange();
      },
    };
  }

  return { open, unreserve };
}
