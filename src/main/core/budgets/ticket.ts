import type { Budget } from '../../contract/budgets.js';
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
import { advance, grow, heldTokens, heldUsd, holdKey, isStream, releaseHolds, unreserve, type Holds, type StreamDelta } from './holds.js';
import type { KnownCounters } from './known-counters.js';
import type { ScopeIndex } from './scope-index.js';
import type { Spend } from './spend.js';
import type { OpenTicket, OpenTickets } from './open-tickets.js';
import type { BudgetState, Worst } from './state.js';
import { HOW_TO_RAISE } from './words.js';
import { createZoneAt } from '../time/zoned.js';

export interface Tickets {
  /** The ticket for an admitted call holding `holds` (the no-op ticket when it holds none). */
  open(holds: Holds, worst: Worst, target: PricingTarget, model: string, input: AdmissionInput): AdmissionTicket;
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
  known: KnownCounters;
}

interface Shared extends Deps {
  state: BudgetState;
  zoneAt: (now: number) => string;
}

/**
 * An admitted call's ticket, and the open ticket the state keeps for it (one object for both, its methods on the
 * prototype: a call in flight holds this, its holds and its worst case, not a set of closures).
 */
class Ticket implements AdmissionTicket, OpenTicket {
  /** Output at the last progress check: the next is due 16 tokens later. */
  private cutChecked = -Infinity;
  /**
   * The running cost at the last check (its input at first; NaN before the first priced check): what the stream
   * added since is its step. Numbers, not null: a field that only ever holds numbers is updated in place, where
   * one that has held null takes a new heap number at every check.
   */
  private lastUsd = NaN;
  /** What `measure` found: the call's running cost (NaN when it has no price) and tokens. */
  private runUsd = NaN;
  private runTokens = 0;
  private counters: (Counter | undefined)[] | null = null;
  private countersIndex: ScopeIndex | null = null;
  /** What the latest check moved the stream's figures by (reused: one per ticket, none per check). */
  private readonly delta: StreamDelta = { liveUsd: 0, liveTokens: 0, heldUsd: 0, heldTokens: 0, stepUsd: 0 };
  readonly at: number;
  openIn: OpenTickets | null = null;
  prevOpen: OpenTicket | null = null;
  nextOpen: OpenTicket | null = null;
  /** Whether any reservation is a stream's (only those can outgrow a worst case). */
  private readonly streams: boolean;

  constructor(
    private readonly d: Shared,
    readonly holds: Holds,
    readonly worst: Worst,
    readonly target: PricingTarget,
    readonly model: string,
    readonly input: AdmissionInput,
  ) {
    this.at = input.ts;
    let streams = false;
    if (holds.streamed) for (let i = 0; i < holds.budgets.length && !streams; i++) streams = isStream(holds, i);
    this.streams = streams;
  }

  /**
   * The counters of the call's budgets, by position: shared by the calls with the same list of budgets, or looked
   * up once for this call when it has a run budget, not looked up at every check. A check runs every 16 output
   * tokens over every budget of the call, and the map look-ups were most of its cost (bench/admission.ts, 60
   * budgets applying: about 2.5 µs a check with them, 1.2 without). They stay valid while the scope index does:
   * a counter is replaced or deleted only when its budget is edited or deleted, which rebuilds the index, or
   * pruned with its run, which spares a counter holding a reservation (this call's).
   */
  private countersNow(): readonly (Counter | undefined)[] {
    const { state, known } = this.d;
    const shared = known.ofList(this.holds.budgets);
    if (shared !== null) return shared;
    if (this.counters === null || this.countersIndex !== state.index) {
      const h = this.holds;
      this.counters = h.budgets.map((_, i) => state.counters.get(holdKey(h, i)));
      this.countersIndex = state.index;
    }
    return this.counters;
  }

  /** What the call has cost so far, into runUsd and runTokens: its metered input once the stream reports it, else the worst case's. */
  private measure(m: MeteredUsage, out: number): void {
    const { worst, target, model, input } = this;
    const u = m.usage;
    if (u && u.inputTokens) {
      const usage = { inputTokens: u.inputTokens, cacheReadTokens: u.cacheReadTokens ?? 0, cacheWrite5mTokens: u.cacheWrite5mTokens ?? 0, cacheWrite1hTokens: u.cacheWrite1hTokens ?? 0, outputTokens: out, reasoningTokens: 0 };
      this.runUsd = this.d.pricer.quote(target, model, usage, { at: input.ts }).costUsd ?? NaN;
      this.runTokens = u.inputTokens + out;
      return;
    }
    splitWorst(this.d.pricer, worst, target, model, input.ts);
    this.runUsd = worst.usd === null ? NaN : worst.inputUsd + out * worst.perOutputUsd;
    this.runTokens = worst.inputTokens + out;
  }

  progress(m: MeteredUsage): string | null {
    const { d, holds: h } = this;
    const { state, spend } = d;
    const outSoFar = Math.max(m.usage?.outputTokens ?? 0, approxTokens(m.textChars));
    // A worst-case reservation covers the whole output: only a stream that outgrows it needs checking.
    if ((!this.streams && outSoFar <= this.worst.outputTokens) || outSoFar - this.cutChecked < 16) return null;
    // Given back already (the sweep's stale-ticket release): what it would add to the counters stays there.
    if (!state.tickets.has(this)) return null;
    this.cutChecked = outSoFar;
    if (Number.isNaN(this.lastUsd)) {
      this.measure(m, 0);
      this.lastUsd = this.runUsd;
    }
    this.measure(m, outSoFar);
    const runUsd = this.runUsd;
    const priced = !Number.isNaN(runUsd);
    const stepUsd = priced && !Number.isNaN(this.lastUsd) ? Math.max(0, runUsd - this.lastUsd) : 0;
    this.lastUsd = runUsd;
    const enforced = d.settings().hardStopEnforcement;
    const now = d.clock.now();
    let message: string | null = null;
    const counters = this.countersNow();
    if (this.streams) advance(h, priced ? runUsd : 0, this.runTokens, stepUsd, this.delta);
    for (let i = 0; i < h.budgets.length; i++) {
      const c = counters[i];
      if (!c) continue;
      const b = h.budgets[i]!;
      const stream = isStream(h, i);
      if (stream) grow(c, b, this.delta);
      if (!enforced || message !== null || b.hardStopPercent === null) continue;
      // Streams count at what they have really produced, everything else at what it holds: streams compete
      // for the room by use. A stream is ended once the room left cannot take the next step of every live
      // stream (each about what it sent since its last check), so the stop is passed by at most the chunk
      // each stream has in flight when it is ended.
      const limUsd = spend.limitUsd(b, now);
      const committedUsd = stream ? c.reservedUsd - c.streamHeldUsd + c.streamLiveUsd + c.streamStepUsd : c.reservedUsd - heldUsd(h, i) + (priced ? runUsd : 0);
      if (limUsd !== null && priced && spend.spentUsd(b, c, now) + committedUsd > (limUsd * b.hardStopPercent) / 100) {
        message = `Tollgate ended this stream: it would carry budget "${b.name}" past its hard stop (${usd((limUsd * b.hardStopPercent) / 100)}). ${HOW_TO_RAISE}`;
        continue;
      }
      const limTok = spend.limitTokens(b, now);
      const committedTok = stream ? c.reservedTokens - c.streamHeldTokens + c.streamLiveTokens : c.reservedTokens - heldTokens(h, i) + this.runTokens;
      if (limTok !== null && spend.spentTokens(b, c, now) + committedTok > (limTok * b.hardStopPercent) / 100) {
        message = `Tollgate ended this stream: it would carry budget "${b.name}" past its hard stop (${fmtTokens((limTok * b.hardStopPercent) / 100)}). ${HOW_TO_RAISE}`;
      }
    }
    return message;
  }

  settle(record: RequestRecord): void {
    const { d, holds: h } = this;
    const { state, spend } = d;
    if (!state.tickets.remove(this)) return;
    const now = d.clock.now();
    const used = record.usage.inputTokens + record.usage.outputTokens;
    const cost = record.costUsd ?? 0;
    for (let i = 0; i < h.budgets.length; i++) {
      const held = h.budgets[i]!;
      // Known: no budget changed since admission, so the budget held against is the state's, and so is its counter.
      const known = d.known.known(h.budgets, i);
      let c = known;
      let b: Budget | undefined = held;
      if (c === null) {
        const key = holdKey(h, i);
        c = state.counters.get(key) ?? spend.counterFor(held, key.includes('#') ? record.run : null, now);
        b = state.budgets.get(held.id);
      }
      unreserve(c, h, i);
      if (!b) continue; // deleted while in flight
      rollTo(c, b, now, d.zoneAt(now));
      addSpend(c, b, cost, used, now);
      if (record.costUsd === null) c.unpriced++;
      if (b.dailyGuardrailUsd !== null) {
        spend.counterFor(b, c.run, now);
        c.guardSpentUsd += cost;
      }
      d.alerts.check(b, c, now);
    }
    // What calls of this key and model usually produce, for the next streams' reservations; a cut or broken
    // answer says nothing about that.
    if (!record.flags.some((f) => f === 'cut-off' || f === 'partial' || f === 'error')) d.expected.record(this.input.keyId, this.model, record.usage.outputTokens);
    if (record.flags.includes('cut-off')) d.audit.record('cut-off', record.note ?? 'stream ended at a hard stop', h.budgets[0]!.id, record.id);
    d.onChange();
  }

  release(): void {
    const { d, holds: h } = this;
    if (!d.state.tickets.remove(this)) return;
    releaseHolds(d.state.counters, h);
    d.onChange();
  }
}

export function createTickets(state: BudgetState, deps: Deps): Tickets {
  const shared: Shared = { ...deps, state, zoneAt: createZoneAt(() => deps.settings().timezone) };
  return {
    open(holds, worst, target, model, input) {
      if (holds.budgets.length === 0) return NOOP_TICKET;
      const t = new Ticket(shared, holds, worst, target, model, input);
      state.tickets.add(t);
      return t;
    },
  };
}
