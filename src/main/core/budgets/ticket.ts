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
import { tokens as fmtTokens, usd } from './format.js';
import type { Spend } from './spend.js';
import type { BudgetState, Reservation, Worst } from './state.js';
import { HOW_TO_RAISE } from './words.js';

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
}

export function createTickets(state: BudgetState, deps: Deps): Tickets {
  const { spend } = deps;
  const tz = () => deps.settings().timezone;

  function unreserve(c: Counter, r: Reservation) {
    c.reservedUsd = Math.max(0, c.reservedUsd - r.usd);
    c.reservedTokens = Math.max(0, c.reservedTokens - r.tokens);
    if (r.guard) c.guardReservedUsd = Math.max(0, c.guardReservedUsd - r.usd);
  }

  function open(id: string, reservations: Reservation[], worst: Worst, target: PricingTarget, model: string, input: AdmissionInput): AdmissionTicket {
    if (reservations.length === 0) return NOOP_TICKET;
    state.tickets.set(id, { reservations, at: input.ts, worst, target, model, input });
    let cutChecked = 0;
    return {
      progress(m: MeteredUsage) {
        // The reservation covers the worst-case output; only a stream that outgrows it can carry a budget past its stop.
        const outSoFar = Math.max(m.usage?.outputTokens ?? 0, approxTokens(m.textChars));
        if (outSoFar <= worst.outputTokens || outSoFar - cutChecked < 16) return null;
        cutChecked = outSoFar;
        if (!deps.settings().hardStopEnforcement) return null;
        const running = deps.pricer.quote(target, model, { inputTokens: worst.inputTokens, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: worst.inputTokens, outputTokens: outSoFar, reasoningTokens: 0 }, { at: input.ts }).costUsd;
        const now = deps.clock.now();
        for (const r of reservations) {
          const b = r.budget;
          if (b.hardStopPercent === null) continue;
          const c = state.counters.get(r.key);
          if (!c) continue;
          const limUsd = spend.limitUsd(b, now);
          const others = c.reservedUsd - r.usd;
          if (limUsd !== null && running !== null && spend.spentUsd(b, c, now) + others + running > (limUsd * b.hardStopPercent) / 100) {
            return `Tollgate ended this stream: it would carry budget "${b.name}" past its hard stop (${usd((limUsd * b.hardStopPercent) / 100)}). ${HOW_TO_RAISE}`;
          }
          const limTok = spend.limitTokens(b, now);
          const othersTok = c.reservedTokens - r.tokens;
          if (limTok !== null && spend.spentTokens(b, c, now) + othersTok + worst.inputTokens + outSoFar > (limTok * b.hardStopPercent) / 100) {
            return `Tollgate ended this stream: it would carry budget "${b.name}" past its hard stop (${fmtTokens((limTok * b.hardStopPercent) / 100)}). ${HOW_TO_RAISE}`;
          }
        }
        return null;
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
          rollTo(c, b, now, tz());
          addSpend(c, b, record.costUsd ?? 0, used, now);
          if (record.costUsd === null) c.unpriced++;
          if (b.dailyGuardrailUsd !== null) {
            spend.counterFor(b, c.run, now);
            c.guardSpentUsd += record.costUsd ?? 0;
          }
          deps.alerts.check(b, c, now);
        }
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
