import type { Budget } from '../../contract/budgets.js';
import type { Settings } from '../../contract/settings.js';
import type { TokenUsage } from '../../contract/usage.js';
import type { Pricer, PricingTarget } from '../pricing/pricer.js';
import { DEFAULT_TOKENIZER_MARGIN, NOOP_TICKET, type AdmissionDecision, type AdmissionInput } from '../proxy/admission.js';
import type { Tokenizer } from '../tokens/tokenizer.js';
import type { Audit } from './audit.js';
import { counterKey, type Counter } from './counters.js';
import { usd } from './format.js';
import { matchesPattern, type CallFacts } from './scope.js';
import type { Spend } from './spend.js';
import type { BudgetState, Reservation, Worst } from './state.js';
import type { Tickets } from './ticket.js';
import { HOW_TO_RAISE, type Words } from './words.js';

interface Violation {
  budget: Budget;
  counter: Counter;
  kind: 'stop' | 'guardrail' | 'iterations';
  message: string;
}

interface Deps {
  settings: () => Settings;
  pricer: Pricer;
  tokenizer: Tokenizer;
  onChange: () => void;
  spend: Spend;
  words: Words;
  audit: Audit;
  tickets: Tickets;
}

/**
 * The request path: which budgets a call falls under (through the scope index), its worst case, whether that
 * fits, what to degrade to, and the reservation. Words are only built for a call that is blocked or warned.
 */
export function createAdmission(state: BudgetState, deps: Deps): { admit(input: AdmissionInput): AdmissionDecision } {
  const { spend, words } = deps;

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
    const usage = (o: number): TokenUsage => ({
      inputTokens,
      // All input priced as 1-hour cache writes: the dearest way to pay for an input token (2× on Anthropic).
      cacheWrite1hTokens: inputTokens,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 0,
      outputTokens: o,
      reasoningTokens: 0,
    });
    let q = deps.pricer.quote(target, model, usage(out), { at: input.ts });
    if (input.call.maxOutputTokens === null && q.contextWindow && out > q.contextWindow) {
      out = q.contextWindow;
      q = deps.pricer.quote(target, model, usage(out), { at: input.ts });
    }
    return { usd: q.costUsd, tokens: inputTokens + out, inputTokens, outputTokens: out, bound };
  }

  /**
   * Checks a call's worst case against every applicable budget. Also names the fullest budget past its first
   * tier, for the warning header, so admission reads each budget's limits and spend once.
   */
  function evaluate(applicable: Budget[], facts: CallFacts, worst: Worst, now: number): { violations: Violation[]; warning: string | null } {
    const out: Violation[] = [];
    let warning: string | null = null;
    for (const b of applicable) {
      const c = spend.counterFor(b, b.scope.run ? facts.run : null, now);
      if (b.runLimits.maxIterations && c.iterations >= b.runLimits.maxIterations) {
        out.push({
          budget: b,
          counter: c,
          kind: 'iterations',
          message: `Agent run "${facts.run}" reached its cap of ${b.runLimits.maxIterations} requests (budget "${b.name}"). Start a new run, or raise runLimits.maxIterations in Tollgate.`,
        });
        continue;
      }
      if (b.hardStopPercent !== null) {
        const limUsd = spend.limitUsd(b, now);
        const limTok = spend.limitTokens(b, now);
        const overUsd = limUsd !== null && worst.usd !== null && spend.spentUsd(b, c, now) + c.reservedUsd + worst.usd > (limUsd * b.hardStopPercent) / 100;
        const overTok = limTok !== null && spend.spentTokens(b, c, now) + c.reservedTokens + worst.tokens > (limTok * b.hardStopPercent) / 100;
        if (overUsd || overTok) {
          const lim = spend.limitsOf(b, now);
          out.push({
            budget: b,
            counter: c,
            kind: 'stop',
            message: `Tollgate blocked this request: budget "${words.name(b, c)}" (${words.scope(b)}) is at its hard stop: ${words.spend(b, spend.spentOf(b, c, now), lim)}, stop at ${b.hardStopPercent}%${c.reservedUsd > 0 ? `, with ${usd(c.reservedUsd)} held by requests in flight` : ''}. It resets ${words.reset(c)}. ${HOW_TO_RAISE}`,
          });
          continue;
        }
      }
      if (b.dailyGuardrailUsd !== null && worst.usd !== null && c.guardSpentUsd + c.guardReservedUsd + worst.usd > b.dailyGuardrailUsd) {
        out.push({
          budget: b,
          counter: c,
          kind: 'guardrail',
          message: `Tollgate blocked this request: budget "${b.name}" (${words.scope(b)}) reached its daily guardrail: ${usd(c.guardSpentUsd)} of ${usd(b.dailyGuardrailUsd)} today. It resets at ${words.when(spend.day(now).end)}. ${HOW_TO_RAISE}`,
        });
        continue;
      }
      if (warning === null) {
        const pct = spend.percent(b, c, now);
        if (pct >= (b.thresholds[0] ?? 100)) warning = `budget "${b.name}" at ${Math.floor(pct)}%`;
      }
    }
    return { violations: out, warning };
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
      return block(402, 'paused', 'Tollgate has paused all AI traffic. Resume it from the tray menu or the dashboard (Settings → Pause).', 'paused');
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

    let { violations, warning } = evaluate(applicable, facts, worst, now);
    if (violations.some((v) => v.kind !== 'iterations') && worst.bound) {
      // Close to a limit: the byte bound is too coarse; count the prompt's tokens (once the tokenizer is loaded).
      const refined = worstCase(input, model, input.pricing, effectiveClamp, true);
      if (!refined.bound) {
        worst = refined;
        ({ violations, warning } = evaluate(applicable, facts, worst, now));
      }
    }

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
          deps.audit.record('degrade', `Degraded ${input.model} → ${target}: ${violations.map((v) => `"${v.budget.name}"`).join(', ')} at hard stop.`, violations[0]!.budget.id, input.requestId);
        } else {
          const msg = `${violations[0]!.message} (No cheaper model is configured to degrade ${input.model} to.)`;
          deps.audit.record('block', msg, violations[0]!.budget.id, input.requestId);
          return block(402, 'budget_exceeded', msg, `budget "${violations[0]!.budget.name}"`);
        }
      } else {
        const v = violations.find((x) => x.budget.action === 'block' || x.kind === 'iterations') ?? violations[0]!;
        deps.audit.record('block', v.message, v.budget.id, input.requestId);
        return block(402, 'budget_exceeded', v.message, `budget "${v.budget.name}"`);
      }
    }

    // Reserve the worst case against every applicable budget in this one synchronous step: concurrent requests
    // see each other's reservations, so they cannot all pass on the same remaining amount.
    const reservations: Reservation[] = [];
    let perRun = false;
    for (const b of applicable) {
      const run = b.scope.run ? facts.run : null;
      const c = spend.counterFor(b, run, now);
      const r: Reservation = { key: counterKey(b.id, run), budget: b, usd: worst.usd ?? 0, tokens: worst.tokens, guard: b.dailyGuardrailUsd !== null };
      c.reservedUsd += r.usd;
      c.reservedTokens += r.tokens;
      if (r.guard) c.guardReservedUsd += r.usd;
      if (run !== null) {
        c.iterations++;
        perRun = true;
      }
      c.lastActivity = now;
      reservations.push(r);
    }
    if (warning && !headers['x-tollgate-budget-warning']) headers['x-tollgate-budget-warning'] = warning;
    if (perRun) deps.onChange();
    return {
      ok: true,
      ticket: deps.tickets.open(input.requestId, reservations, worst, input.pricing, model, input),
      headers,
      ...(degradedTo ? { model: degradedTo } : {}),
      ...(effectiveClamp !== undefined ? { maxOutputTokens: effectiveClamp } : {}),
    };
  }

  return { admit };
}
