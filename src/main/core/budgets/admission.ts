import type { Budget } from '../../contract/budgets.js';
import type { Settings } from '../../contract/settings.js';
import type { TokenUsage } from '../../contract/usage.js';
import type { Pricer, PricingTarget } from '../pricing/pricer.js';
import { DEFAULT_TOKENIZER_MARGIN, NOOP_TICKET, PAUSED_MESSAGE, type AdmissionDecision, type AdmissionInput } from '../proxy/admission.js';
import type { Tokenizer } from '../tokens/tokenizer.js';
import type { Audit } from './audit.js';
import type { BudgetAlerts } from './alerts.js';
import type { Counter } from './counters.js';
import type { ExpectedOutput } from './expected-output.js';
import { createFit, splitWorst, worstUsage } from './fit.js';
import { newHolds, reserve } from './holds.js';
import type { KnownCounters } from './known-counters.js';
import { matchesPattern, type CallFacts } from './scope.js';
import type { Spend } from './spend.js';
import type { BudgetState, Worst } from './state.js';
import type { Tickets } from './ticket.js';
import type { Words } from './words.js';

interface Violation {
  budget: Budget;
  counter: Counter;
  kind: 'stop' | 'guardrail' | 'iterations';
  message: string;
  /** The call would not fit even with nothing else in flight: the budget shows as stopped. */
  alone: boolean;
}

/** Anthropic's least thinking budget: a call that thinks needs at least one output token past it. */
const THINKING_MIN = 1024;

interface Deps {
  settings: () => Settings;
  pricer: Pricer;
  tokenizer: Tokenizer;
  onChange: () => void;
  spend: Spend;
  words: Words;
  audit: Audit;
  tickets: Tickets;
  alerts: BudgetAlerts;
  expected: ExpectedOutput;
  known: KnownCounters;
}

/**
 * The request path: which budgets a call falls under (through the scope index), its worst case, whether that
 * fits or what to clamp its output to so it does, what to degrade to, and the reservation. Words are only built
 * for a call that is blocked or warned.
 */
export function createAdmission(state: BudgetState, deps: Deps): { admit(input: AdmissionInput): AdmissionDecision } {
  const { spend } = deps;
  // The model and time of the call being admitted, for splitting its worst case only when a budget needs it.
  let current: { input: AdmissionInput; model: string } | null = null;
  const split = (w: Worst) => splitWorst(deps.pricer, w, current!.input.pricing, current!.model, current!.input.ts);
  const fit = createFit({ ...deps, split });
  // Each applicable budget's counter as evaluate found it, by position, for the reservations that follow in the
  // same synchronous admission: one lookup and roll check per budget instead of two. Reused, never shrunk
  // (setting an array's length costs more than the lookups it saves); slots past this call's budgets are stale.
  const counters: Counter[] = [];

  function worstCase(input: AdmissionInput, model: string, target: PricingTarget, clampTo: number | undefined, refine: boolean): Worst {
    const s = deps.settings();
    let inputTokens = input.bodyBytes;
    let bound = true;
    if (refine) {
      const n = deps.tokenizer.count(input.call.promptText());
      if (n !== null) {
        // The tokenizer is o200k: the provider says how far its own tokens can run past that count.
        inputTokens = Math.min(input.bodyBytes, Math.ceil(n * (input.tokenizerMargin ?? DEFAULT_TOKENIZER_MARGIN)) + 64);
        bound = false;
      }
    }
    let out = input.call.maxOutputTokens ?? s.assumedMaxOutputTokens;
    if (clampTo !== undefined) out = Math.min(out, clampTo);
    const longCache = input.call.longCacheWrites?.() ?? true;
    const usage = (o: number): TokenUsage => worstUsage(inputTokens, o, longCache);
    let q = deps.pricer.quote(target, model, usage(out), { at: input.ts });
    if (input.call.maxOutputTokens === null && q.contextWindow && out > q.contextWindow) {
      out = q.contextWindow;
      q = deps.pricer.quote(target, model, usage(out), { at: input.ts });
    }
    return { usd: q.costUsd, tokens: inputTokens + out, inputTokens, outputTokens: out, inputUsd: NaN, perOutputUsd: NaN, bound, longCache };
  }

  /** The same call with its output cap lowered to `out`. */
  function lowered(w: Worst, out: number): Worst {
    if (out >= w.outputTokens) return w;
    return { ...w, usd: w.usd === null ? null : w.inputUsd + out * w.perOutputUsd, tokens: w.inputTokens + out, outputTokens: out };
  }

  /**
   * Checks a call's worst case against every applicable budget: each either takes it whole, takes it with a
   * lower output cap (the least across budgets wins), or blocks it. Also names the fullest budget past its first
   * tier, for the warning header, so admission reads each budget's limits and spend once.
   */
  function evaluate(applicable: Budget[], facts: CallFacts, worst: Worst, floor: number, now: number) {
    const violations: Violation[] = [];
    const clamped: { budget: Budget; counter: Counter }[] = [];
    let clampTo = Infinity;
    let warning: string | null = null;
    for (let i = 0; i < applicable.length; i++) {
      const b = applicable[i]!;
      const c = deps.known.counterFor(applicable, i, b.scope.run ? facts.run : null, now);
      counters[i] = c;
      if (b.runLimits.maxIterations && c.iterations >= b.runLimits.maxIterations) {
        violations.push({
          budget: b,
          counter: c,
          kind: 'iterations',
          alone: false,
          message: `Agent run "${facts.run}" reached its cap of ${b.runLimits.maxIterations} requests (budget "${b.name}"). Start a new run, or raise runLimits.maxIterations in Tollgate.`,
        });
        continue;
      }
      const f = b.hardStopPercent !== null ? fit.hardStop(b, c, worst, floor, now) : null;
      const g = f === null || 'clampTo' in f ? (b.dailyGuardrailUsd !== null ? fit.guardrail(b, c, worst, floor, now) : null) : null;
      const miss = f && 'message' in f ? f : g && 'message' in g ? g : null;
      if (miss) {
        violations.push({ budget: b, counter: c, kind: miss === f ? 'stop' : 'guardrail', message: miss.message, alone: miss.alone });
        continue;
      }
      const to = Math.min(f ? (f as { clampTo: number }).clampTo : Infinity, g ? (g as { clampTo: number }).clampTo : Infinity);
      if (to < Infinity) {
        clamped.push({ budget: b, counter: c });
        if (to < clampTo) clampTo = to;
      }
      if (warning === null && spend.reaches(b, c, now, b.thresholds[0] ?? 100)) warning = `budget "${b.name}" at ${Math.floor(spend.percent(b, c, now))}%`;
    }
    return { violations, warning, clamped, clampTo };
  }

  function degradeTarget(b: Budget, provider: string, model: string): string | null {
    const maps = [b.degradeTo, deps.settings().degradeMap[provider] ?? {}];
    for (const map of maps) {
      if (map[model]) return map[model]!;
      let best: string | null = null;
      let bestLen = -1;
      for (const [pattern, to] of Object.entries(map)) {
        if (matchesPattern(pattern, model) && pattern.length > bestLen) {
          best = to;
          bestLen = pattern.length;
        }
      }
      if (best) return best;
    }
    return null;
  }

  function block(status: number, kind: 'budget_exceeded' | 'paused', message: string, note: string): AdmissionDecision {
    return { ok: false, status, kind, message, headers: { 'x-should-retry': 'false', 'x-tollgate-blocked': kind }, note };
  }

  function admit(input: AdmissionInput): AdmissionDecision {
    const s = deps.settings();
    if (s.paused) {
      return block(402, 'paused', PAUSED_MESSAGE, 'paused');
    }
    const now = input.ts;
    const facts: CallFacts = { provider: input.provider, keyId: input.keyId, model: input.model, project: input.project, user: input.user, run: input.run };
    const applicable = state.index.candidates(facts);
    if (applicable.length === 0 && s.unpricedPolicy === 'allow') return { ok: true, ticket: NOOP_TICKET, headers: {} };

    let clamp: number | undefined;
    for (const b of applicable) {
      const cap = b.runLimits.maxTokensPerIteration;
      if (cap && (clamp === undefined || cap < clamp)) clamp = cap;
    }
    const effectiveClamp = clamp !== undefined && (input.call.maxOutputTokens === null || input.call.maxOutputTokens > clamp) ? clamp : undefined;
    let model = input.model;
    let worst = worstCase(input, model, input.pricing, effectiveClamp, false);
    const headers: Record<string, string> = {};
    if (worst.usd === null) {
      if (s.unpricedPolicy === 'block') {
        const msg = `Tollgate blocked this request: the model "${input.model}" has no known price, and unpriced models are set to be blocked. Add a price override for it in Tollgate (Settings → Prices) or allow unpriced models.`;
        deps.audit.record('block', msg, null, input.requestId);
        return block(402, 'budget_exceeded', msg, 'unpriced model blocked');
      }
      if (applicable.some((b) => b.limitUsd !== null)) headers['x-tollgate-budget-warning'] = `model "${input.model}" has no known price: counted in tokens only against dollar budgets`;
    }
    // The least output worth forwarding; a call that thinks needs its thinking budget's minimum and one more.
    const thinks = input.call.thinkingBudget !== undefined;
    const floor = Math.min(worst.outputTokens, Math.max(s.clampFloorOutputTokens, thinks ? THINKING_MIN + 1 : 1));

    current = { input, model };
    let ev = evaluate(applicable, facts, worst, floor, now);
    if ((ev.violations.some((v) => v.kind !== 'iterations') || ev.clamped.length > 0) && worst.bound) {
      // Close to a limit: the byte bound is too coarse; count the prompt's tokens (once the tokenizer is loaded).
      const refined = worstCase(input, model, input.pricing, effectiveClamp, true);
      if (!refined.bound) {
        worst = refined;
        ev = evaluate(applicable, facts, worst, floor, now);
      }
    }
    const { violations, warning } = ev;

    let degradedTo: string | undefined;
    if (violations.length > 0) {
      if (!s.hardStopEnforcement) {
        headers['x-tollgate-budget-warning'] = `hard stop reached on "${violations[0]!.budget.name}"; enforcement is off, so the request goes through`;
      } else if (violations.every((v) => v.kind !== 'iterations' && v.budget.action === 'degrade')) {
        const target = degradeTarget(violations[0]!.budget, input.provider, input.model);
        if (target && target !== input.model) {
          degradedTo = target;
          model = target;
          worst = worstCase(input, model, input.pricing, effectiveClamp, !worst.bound);
          current = { input, model };
          deps.audit.record('degrade', `Degraded ${input.model} → ${target}: ${violations.map((v) => `"${v.budget.name}"`).join(', ')} at hard stop.`, violations[0]!.budget.id, input.requestId);
        } else {
          const v = violations[0]!;
          return refuse(v, `${v.message} (No cheaper model is configured to degrade ${input.model} to.)`, input, now);
        }
      } else {
        const v = violations.find((x) => x.budget.action === 'block' || x.kind === 'iterations') ?? violations[0]!;
        return refuse(v, v.message, input, now);
      }
    }
    let maxOutputTokens = effectiveClamp;
    if (ev.clamped.length > 0 && s.hardStopEnforcement && ev.clampTo < worst.outputTokens) {
      split(worst);
      worst = lowered(worst, ev.clampTo);
      maxOutputTokens = ev.clampTo;
      for (const { budget, counter } of ev.clamped) deps.alerts.admissionStop(budget, counter, now, 'clamp', false);
    }

    // Reserve against every applicable budget in this one synchronous step: concurrent requests see each other's
    // reservations, so they cannot all pass on the same remaining amount. A stream holds what such calls usually
    // produce (it is cut off at the hard stop if it runs past the room); anything else holds its worst case.
    const streamed = input.call.stream;
    const holds = newHolds(applicable, facts.run, streamed, worst.usd ?? 0, worst.tokens);
    let perRun = false;
    let streamHeld = false;
    for (let i = 0; i < applicable.length; i++) {
      const b = applicable[i]!;
      const run = b.scope.run ? facts.run : null;
      const c = counters[i]!;
      const stream = streamed && b.admission !== 'strict';
      if (stream && !streamHeld) {
        split(worst);
        const expectedOut = deps.expected.tokens(input.keyId, model, worst.outputTokens);
        holds.streamUsd = worst.usd === null ? 0 : worst.inputUsd + expectedOut * worst.perOutputUsd;
        holds.streamTokens = worst.inputTokens + expectedOut;
        streamHeld = true;
      }
      if (stream) reserve(c, b, holds.streamUsd, holds.streamTokens, true);
      else reserve(c, b, holds.usd, holds.tokens, false);
      if (run !== null) {
        c.iterations++;
        perRun = true;
      }
      c.lastActivity = now;
    }
    if (warning && !headers['x-tollgate-budget-warning']) headers['x-tollgate-budget-warning'] = warning;
    if (perRun) deps.onChange();
    return {
      ok: true,
      ticket: deps.tickets.open(holds, worst, input.pricing, model, input),
      headers,
      ...(degradedTo ? { model: degradedTo } : {}),
      ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
    };
  }

  /** A block: audited, and (the first in a period) the budget's hard-stop alert. */
  function refuse(v: Violation, message: string, input: AdmissionInput, now: number): AdmissionDecision {
    deps.audit.record('block', message, v.budget.id, input.requestId);
    if (v.kind === 'stop') deps.alerts.admissionStop(v.budget, v.counter, now, 'block', v.alone);
    return block(402, 'budget_exceeded', message, `budget "${v.budget.name}"`);
  }

  return { admit };
}
