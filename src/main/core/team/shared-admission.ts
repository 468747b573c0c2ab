import type { Budget } from '../../contract/budgets.js';
import type { RequestRecord } from '../../contract/usage.js';
import type { SharedHold } from '../budgets/shared.js';
import { NOOP_TICKET, type Admission, type AdmissionDecision, type AdmissionInput, type AdmissionTicket, type ProxyAdmission } from '../proxy/admission.js';
import type { TeamLink } from './connect.js';
import type { Replay } from './replay.js';
import type { CounterPart, SharedCounters, SharedSpent } from './shared-counters.js';

/** What a shared budget does while the team link is down (see docs/team.md). `local`: not shared at all. */
export type FailMode = 'open' | 'closed' | 'local';

/** What admission needs of the budget engine: the local decision, what it holds, and where team spend goes. */
export interface LocalEngine extends Admission {
  held(ticket: AdmissionTicket, enforced: boolean): SharedHold[];
  applyShared(key: string, periodKey: string, usd: number, tokens: number): void;
  recordAudit(kind: 'block', message: string, budgetId?: string | null, requestId?: string | null): void;
}

export interface SharedAdmission extends ProxyAdmission {
  /** Calls holding shared reservations now, for lease renewal. */
  live(): { requestId: string; part: CounterPart }[];
}

const BLOCK_HEADERS = { 'x-should-retry': 'false', 'x-tollgate-blocked': 'budget_exceeded' };

/** The same counters with no spend: settling this only gives a reservation back. */
const nothing = (parts: CounterPart[]): CounterPart[] => parts.map((p) => ({ key: p.key, periodKey: p.periodKey, usd: 0, tokens: 0, ...(p.windowMs ? { windowMs: p.windowMs } : {}) }));

/**
 * Admission in team mode. The local engine decides first, as it always does (its counters carry the team's
 * spend as last known, so it refuses what the team store would refuse anyway); a call that holds room in a
 * shared budget then reserves the same amounts in Redis, against every shared budget at once, in one script
 * call. A call under no shared budget never waits for Redis.
 */
export function createSharedAdmission(d: {
  engine: LocalEngine;
  counters: SharedCounters;
  link: TeamLink;
  replay: Replay;
  failMode: (b: Budget) => FailMode;
  enforced: () => boolean;
  onError: (e: Error) => void;
  now: () => number;
}): SharedAdmission {
  const live = new Map<string, CounterPart[]>();
  const apply = (spent: SharedSpent[]) => {
    for (const s of spent) d.engine.applyShared(s.key, s.periodKey, s.usd, s.tokens);
  };

  function refuse(ticket: AdmissionTicket, b: Budget, requestId: string, message: string): AdmissionDecision {
    ticket.release();
    d.engine.recordAudit('block', message, b.id, requestId);
    return { ok: false, status: 402, kind: 'budget_exceeded', message, headers: { ...BLOCK_HEADERS }, note: `budget "${b.name}" (team)` };
  }

  /** The local ticket, with the team store told of its settle or release. */
  function wrap(t: AdmissionTicket, id: string, parts: CounterPart[], reserved: boolean): AdmissionTicket {
    if (reserved) live.set(id, parts);
    return {
      progress: (m) => t.progress(m),
      settle(record: RequestRecord) {
        t.settle(record);
        live.delete(id);
        const used = record.usage.inputTokens + record.usage.outputTokens;
        // Stamped now, so a rolling window counts the spend in the hour it happened even if it is replayed later.
        const at = d.now();
        d.replay.settle(id, parts.map((p) => ({ ...p, usd: record.costUsd ?? 0, tokens: used, ...(p.windowMs ? { at } : {}) })));
      },
      release() {
        t.release();
        if (!live.delete(id)) return;
        // If Redis cannot be told now, a settle of nothing is queued: it gives the room back when the link
        // returns, sooner than the lease would.
        d.counters.release(id, parts).catch(() => d.replay.settle(id, nothing(parts)));
      },
    };
  }

  /**
   * The link is down (or failed on this call): closed budgets block, open ones go on with local counters. A
   * reservation whose answer was lost may still have been made: a blocked call queues a settle of nothing, which
   * gives it back once the link returns (a call that goes on settles it anyway).
   */
  function whileDown(decision: AdmissionDecision & { ok: true }, id: string, holds: SharedHold[], parts: CounterPart[], maybeReserved: boolean): AdmissionDecision {
    const closed = holds.find((h) => d.failMode(h.budget) === 'closed');
    if (closed) {
      if (maybeReserved) d.replay.settle(id, nothing(parts));
      return refuse(decision.ticket, closed.budget, id, `Tollgate blocked this request: budget "${closed.budget.name}" is shared with your team, and the link to the team's Redis is down. This budget is set to block while the link is down (fail mode "closed"). Try again shortly, or ask whoever runs the team's Redis.`);
    }
    return { ...decision, ticket: wrap(decision.ticket, id, parts, false) };
  }

  return {
    live: () => [...live].flatMap(([requestId, parts]) => parts.map((part) => ({ requestId, part }))),
    admit(input: AdmissionInput) {
      const decision = d.engine.admit(input);
      if (!decision.ok || decision.ticket === NOOP_TICKET) return decision;
      const holds = d.engine.held(decision.ticket, d.enforced()).filter((h) => d.failMode(h.budget) !== 'local');
      if (holds.length === 0) return decision;
      const parts = holds.map((h) => ({ key: h.key, periodKey: h.periodKey, usd: h.usd, tokens: h.tokens, stopUsd: h.stopUsd, stopTokens: h.stopTokens, ...(h.windowMs ? { windowMs: h.windowMs } : {}) }));
      const id = input.requestId;
      if (d.link.state !== 'up') return whileDown(decision, id, holds, parts, false);
      return d.counters.reserve(id, parts).then(
        (res) => {
          if (!res.ok) {
            apply([res.spent]);
            const b = holds[res.index]!.budget;
            return refuse(decision.ticket, b, id, `Tollgate blocked this request: budget "${b.name}", shared with your team, has no room left for it before its hard stop (the team has spent $${res.spent.usd.toFixed(2)} of it). Raise the budget or add an override in Tollgate.`);
          }
          apply(res.spent);
          return { ...decision, ticket: wrap(decision.ticket, id, parts, true) };
        },
        (e: Error) => {
          d.onError(e);
          return whileDown(decision, id, holds, parts, true);
        },
      );
    },
  };
}
