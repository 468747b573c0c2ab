import type { AuditEntry, AuditKind, Budget, BudgetAlert, BudgetOverride, BudgetScope, BudgetStatus } from '../../contract/budgets.js';
import type { Settings } from '../../contract/settings.js';
import type { RequestRecord, TokenUsage } from '../../contract/usage.js';
import type { Admission, AdmissionDecision, AdmissionInput, AdmissionTicket } from '../proxy/admission.js';
import type { Pricer, PricingTarget } from '../pricing/pricer.js';
import type { MeteredUsage } from '../providers/types.js';
import { NotFoundError, ValidationError } from '../util/validation.js';
import { approxTokens } from '../tokens/estimate.js';
import type { Tokenizer } from '../tokens/tokenizer.js';
import { createDayKeyer, resolveZone, zonedParts, zonedTimeToEpoch } from '../time/zoned.js';
import type { Clock } from '../util/clock.js';
import { randomToken } from '../util/ids.js';
import { addSpend, counterKey, fromStored, newCounter, rollTo, toStored, type Counter, type StoredCounter } from './counters.js';
import { tokens as fmtTokens, usd, when } from './format.js';
import { describePeriod, periodAt } from './periods.js';
import { describeScope, inScope, matchesPattern, type CallFacts } from './scope.js';
import type { ReportedSpendSource } from './reported-spend.js';
import { validateBudget } from './validate.js';

export interface BudgetsSnapshot {
  version: 1;
  budgets: Budget[];
  counters: StoredCounter[];
  overrides: BudgetOverride[];
  audit: AuditEntry[];
  alerts: BudgetAlert[];
  /** Override ids whose "about to expire" alert has fired. */
  warnedOverrides: string[];
}

export interface BudgetEngineDeps {
  clock: Clock;
  settings: () => Settings;
  pricer: Pricer;
  tokenizer: Tokenizer;
  keyLabel: (id: string) => string;
  initial?: unknown;
  onChange: () => void;
  onAlert: (a: BudgetAlert) => void;
}

interface Reservation {
  key: string;
  budget: Budget;
  usd: number;
  tokens: number;
  guard: boolean;
}

interface Violation {
  budget: Budget;
  counter: Counter;
  kind: 'stop' | 'guardrail' | 'iterations';
  message: string;
}

interface Worst {
  usd: number | null;
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  /** Whether input came from the byte bound (refinable with the tokenizer). */
  bound: boolean;
}

const AUDIT_LIMIT = 1000;
const ALERT_LIMIT = 200;
const RUNS_PER_BUDGET = 500;
const OVERRIDE_WARNING_MS = 10 * 60_000;

export interface BudgetEngine extends Admission {
  list(): BudgetStatus[];
  get(id: string): Budget | null;
  create(input: unknown): Budget;
  update(id: string, patch: unknown): Budget;
  remove(id: string): boolean;
  addOverride(o: { budgetId: string; addUsd: number | null; addPercent: number | null; expiresAt: number; reason: string }): BudgetOverride;
  cancelOverride(id: string): boolean;
  audit(limit?: number, kind?: string): AuditEntry[];
  alerts(limit?: number): BudgetAlert[];
  /** Replaces the budgets declared in budgets.json (validated by the caller). */
  replaceFileBudgets(list: Budget[]): void;
  /** Releases stale reservations, expires overrides, re-checks thresholds. Called by a timer and by tests. */
  sweep(): void;
  setReportedSource(src: ReportedSpendSource | null): void;
  /** Seeds a new budget's counter from spend already recorded in its period. */
  seed(budget: Budget, usdSoFar: number, tokensSoFar: number): void;
  snapshot(): BudgetsSnapshot;
  readonly outstanding: number;
  recordAudit(kind: AuditKind, message: string, budgetId?: string | null, requestId?: string | null): void;
}

export function createBudgetEngine(deps: BudgetEngineDeps): BudgetEngine {
  const snap = deps.initial as Partial<BudgetsSnapshot> | undefined;
  const budgets = new Map<string, Budget>();
  for (const b of snap?.budgets ?? []) budgets.set(b.id, b);
  const counters = new Map<string, Counter>();
  for (const c of snap?.counters ?? []) counters.set(counterKey(c.budgetId, c.run), fromStored(c));
  let overrides: BudgetOverride[] = snap?.overrides ?? [];
  const audit: AuditEntry[] = snap?.audit ?? [];
  const alerts: BudgetAlert[] = snap?.alerts ?? [];
  const warnedOverrides = new Set(snap?.warnedOverrides ?? []);
  const tickets = new Map<string, { reservations: Reservation[]; at: number; worst: Worst; target: PricingTarget; model: string; input: AdmissionInput }>();
  let reported: ReportedSpendSource | null = null;
  let offReported: (() => void) | null = null;
  const reportedCache = new Map<string, { periodKey: string; version: number; hour: number; value: { usd: number; tokens: number; asOf: number | null } | null }>();
  let reportedVersion = 0;
  const tz = () => deps.settings().timezone;
  const dayKeyOf = createDayKeyer(tz);

  const nextId = (prefix: string) => `${prefix}_${randomToken(12)}`;

  function recordAudit(kind: AuditKind, message: string, budgetId: string | null = null, requestId: string | null = null) {
    audit.push({ id: nextId('aud'), at: deps.clock.now(), kind, budgetId, requestId, message });
    if (audit.length > AUDIT_LIMIT) audit.splice(0, audit.length - AUDIT_LIMIT);
    deps.onChange();
  }

  // ---- counters, limits, spend ---------------------------------------------------------------------------

  function counterFor(b: Budget, run: string | null, now: number): Counter {
    const key = counterKey(b.id, run);
    let c = counters.get(key);
    if (!c) {
      c = newCounter(b.id, run, periodAt(b.period, now, tz()), now);
      counters.set(key, c);
      if (run !== null) pruneRuns(b.id);
    } else rollTo(c, b, now, tz());
    if (b.dailyGuardrailUsd !== null) {
      const day = dayKeyOf(now);
      if (c.guardDay !== day) {
        c.guardDay = day;
        c.guardSpentUsd = 0;
        c.fired = c.fired.filter((f) => !f.startsWith('guard:'));
      }
    }
    return c;
  }

  function pruneRuns(budgetId: string) {
    const runs = [...counters.values()].filter((c) => c.budgetId === budgetId && c.run !== null);
    if (runs.length <= RUNS_PER_BUDGET) return;
    runs.sort((a, b) => a.lastActivity - b.lastActivity);
    for (const c of runs.slice(0, runs.length - RUNS_PER_BUDGET)) if (c.reservedUsd === 0 && c.reservedTokens === 0) counters.delete(counterKey(c.budgetId, c.run));
  }

  const NONE: BudgetOverride[] = [];
  function activeOverrides(budgetId: string, now: number): BudgetOverride[] {
    if (overrides.length === 0) return NONE;
    return overrides.filter((o) => o.budgetId === budgetId && o.expiresAt > now);
  }

  function limitsOf(b: Budget, now: number): { usd: number | null; tokens: number | null } {
    let usdLimit = b.limitUsd;
    let tokLimit = b.limitTokens;
    for (const o of activeOverrides(b.id, now)) {
      if (usdLimit !== null) usdLimit += (o.addUsd ?? 0) + (b.limitUsd! * (o.addPercent ?? 0)) / 100;
      if (tokLimit !== null && o.addPercent) tokLimit += (b.limitTokens! * o.addPercent) / 100;
    }
    return { usd: usdLimit, tokens: tokLimit };
  }

  /**
   * The provider-reported spend in the budget's current period, or null when nothing has been reported for it
   * (a budget then counts what the proxy saw). Cached per budget until the period, the reports or (for rolling
   * windows) the hour change: this runs for every applicable budget on every request.
   */
  function reportedFor(b: Budget, c: Counter, now: number): { usd: number; tokens: number; asOf: number | null } | null {
    if (!reported || b.counts === 'observed' || b.scope.user || b.scope.run) return null;
    const hour = b.period.kind === 'rolling' ? Math.floor(now / 3_600_000) : 0;
    const cached = reportedCache.get(b.id);
    if (cached && cached.periodKey === c.periodKey && cached.version === reportedVersion && cached.hour === hour) return cached.value;
    const from = c.periodStart;
    let usdSum = 0;
    let tok = 0;
    let asOf: number | null = null;
    for (const r of reported.rows(from, now)) {
      if (r.start < from) continue;
      if (!inScope(b.scope, { provider: r.provider, keyId: r.keyId, model: r.model ?? '', project: r.project, user: null, run: null })) continue;
      if (b.scope.model && r.model === null) continue;
      usdSum += r.costUsd;
      tok += r.inputTokens + r.outputTokens;
      asOf = asOf === null ? r.asOf : Math.min(asOf, r.asOf);
    }
    const value = asOf === null ? null : { usd: usdSum, tokens: tok, asOf };
    reportedCache.set(b.id, { periodKey: c.periodKey, version: reportedVersion, hour, value });
    return value;
  }

  /** What a budget counts: the proxy's records, the provider's reports, or the larger (default). */
  function spentOf(b: Budget, c: Counter, now: number): { usd: number; tokens: number } {
    const r = reportedFor(b, c, now);
    if (!r) return { usd: c.spentUsd, tokens: c.spentTokens };
    if (b.counts === 'reported') return { usd: r.usd, tokens: r.tokens };
    return { usd: Math.max(c.spentUsd, r.usd), tokens: Math.max(c.spentTokens, r.tokens) };
  }

  function percentOf(b: Budget, spent: { usd: number; tokens: number }, lim: { usd: number | null; tokens: number | null }): number {
    let p = 0;
    if (lim.usd !== null && lim.usd > 0) p = Math.max(p, (spent.usd / lim.usd) * 100);
    if (lim.tokens !== null && lim.tokens > 0) p = Math.max(p, (spent.tokens / lim.tokens) * 100);
    return p;
  }

  // ---- words ---------------------------------------------------------------------------------------------

  const scopeWords = (b: Budget) => describeScope(b.scope, deps.keyLabel);
  const resetWords = (c: Counter) => (c.periodEnd === null ? 'never (a total budget)' : `at ${when(c.periodEnd, tz())}`);
  const nextDayStart = (now: number) => {
    const z = zonedParts(now, resolveZone(tz()));
    return zonedTimeToEpoch(resolveZone(tz()), z.year, z.month, z.day + 1);
  };

  function spendWords(b: Budget, spent: { usd: number; tokens: number }, lim: { usd: number | null; tokens: number | null }): string {
    const parts: string[] = [];
    if (lim.usd !== null) parts.push(`${usd(spent.usd)} of ${usd(lim.usd)}`);
    if (lim.tokens !== null) parts.push(`${fmtTokens(spent.tokens)} of ${fmtTokens(lim.tokens)}`);
    return `${parts.join(' and ')} ${describePeriod(b.period)}`;
  }

  function stopWords(b: Budget, lim: { usd: number | null; tokens: number | null }): string {
    if (b.hardStopPercent === null) return 'It has no hard stop: requests continue.';
    const at: string[] = [];
    if (lim.usd !== null) at.push(usd((lim.usd * b.hardStopPercent) / 100));
    if (lim.tokens !== null) at.push(fmtTokens((lim.tokens * b.hardStopPercent) / 100));
    const verb = b.action === 'degrade' ? 'sent to a cheaper model' : 'blocked';
    const enforced = deps.settings().hardStopEnforcement ? '' : ' once hard-stop enforcement is turned back on';
    return `Requests for ${scopeWords(b)} will be ${verb} at ${at.join(' / ')} (${b.hardStopPercent}%)${enforced}.`;
  }

  const HOW_TO_RAISE = 'Raise the limit or add a temporary override in Tollgate (dashboard → Budgets), or turn off hard-stop enforcement from the tray.';

  // ---- alerts --------------------------------------------------------------------------------------------

  function fire(b: Budget, c: Counter, tag: string, alert: Omit<BudgetAlert, 'id' | 'budgetId' | 'budgetName' | 'periodKey' | 'at'>) {
    if (c.fired.includes(tag)) return;
    c.fired.push(tag);
    const a: BudgetAlert = {
      id: `${counterKey(b.id, c.run)}|${tag.startsWith('guard:') ? c.guardDay : c.periodKey}|${tag}`,
      budgetId: b.id,
      budgetName: c.run ? `${b.name} (run ${c.run})` : b.name,
      periodKey: c.periodKey,
      at: deps.clock.now(),
      ...alert,
    };
    alerts.push(a);
    if (alerts.length > ALERT_LIMIT) alerts.splice(0, alerts.length - ALERT_LIMIT);
    deps.onChange();
    deps.onAlert(a);
  }

  /** Fires each tier crossed, once per budget × period × tier: the fired list lives in the counter, persisted. */
  function checkAlerts(b: Budget, c: Counter, now: number) {
    const lim = limitsOf(b, now);
    const spent = spentOf(b, c, now);
    const pct = percentOf(b, spent, lim);
    const name = c.run ? `${b.name} (run ${c.run})` : b.name;
    const common = {
      spentUsd: lim.usd !== null ? spent.usd : null,
      limitUsd: lim.usd,
      spentTokens: lim.tokens !== null ? spent.tokens : null,
      limitTokens: lim.tokens,
      resetsAt: c.periodEnd,
    };
    for (const tier of b.thresholds) {
      if (pct >= tier) {
        fire(b, c, `t:${tier}`, {
          kind: 'threshold',
          tier,
          ...common,
          title: `Budget "${name}" at ${tier}%`,
          body: `${spendWords(b, spent, lim)}. ${stopWords(b, lim)} Resets ${resetWords(c)}.`,
        });
      }
    }
    if (b.hardStopPercent !== null && pct >= b.hardStopPercent) {
      const verb = b.action === 'degrade' ? 'are now sent to a cheaper model' : 'are now blocked';
      const enforced = deps.settings().hardStopEnforcement;
      fire(b, c, `stop:${b.hardStopPercent}`, {
        kind: 'hard-stop',
        tier: b.hardStopPercent,
        ...common,
        title: `Budget "${name}" reached its hard stop`,
        body: enforced
          ? `${spendWords(b, spent, lim)}. Requests for ${scopeWords(b)} ${verb} until it resets ${resetWords(c)}. ${HOW_TO_RAISE}`
          : `${spendWords(b, spent, lim)}. Hard-stop enforcement is off, so requests continue.`,
      });
    }
    if (b.dailyGuardrailUsd !== null && c.guardSpentUsd >= b.dailyGuardrailUsd) {
      fire(b, c, 'guard:100', {
        kind: 'guardrail',
        tier: 100,
        spentUsd: c.guardSpentUsd,
        limitUsd: b.dailyGuardrailUsd,
        spentTokens: null,
        limitTokens: null,
        resetsAt: nextDayStart(now),
        title: `Daily guardrail of "${name}" reached`,
        body: `${usd(c.guardSpentUsd)} of the ${usd(b.dailyGuardrailUsd)} daily guardrail today. Requests for ${scopeWords(b)} ${b.action === 'degrade' ? 'go to a cheaper model' : 'are blocked'} until ${when(nextDayStart(now), tz())}.`,
      });
    }
  }

  // ---- admission -----------------------------------------------------------------------------------------

  function worstCase(input: AdmissionInput, model: string, target: PricingTarget, clampTo: number | undefined, refine: boolean): Worst {
    const s = deps.settings();
    let inputTokens = input.bodyBytes;
    let bound = true;
    if (refine) {
      const n = deps.tokenizer.count(input.call.promptText());
      if (n !== null) {
        // o200k is exact for OpenAI; other families tokenise differently, so leave them a margin.
        const factor = target.pricingProviderId === 'openai' ? 1.05 : 1.35;
        inputTokens = Math.min(input.bodyBytes, Math.ceil(n * factor) + 64);
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
   * tier, for the warning header, so admission computes each budget's limits and spend once.
   */
  function evaluate(applicable: Budget[], facts: CallFacts, worst: Worst, now: number): { violations: Violation[]; warning: string | null } {
    const out: Violation[] = [];
    let warning: string | null = null;
    for (const b of applicable) {
      const c = counterFor(b, b.scope.run ? facts.run : null, now);
      if (b.runLimits.maxIterations && c.iterations >= b.runLimits.maxIterations) {
        out.push({
          budget: b,
          counter: c,
          kind: 'iterations',
          message: `Agent run "${facts.run}" reached its cap of ${b.runLimits.maxIterations} requests (budget "${b.name}"). Start a new run, or raise runLimits.maxIterations in Tollgate.`,
        });
        continue;
      }
      const lim = limitsOf(b, now);
      const spent = spentOf(b, c, now);
      if (b.hardStopPercent !== null) {
        const overUsd = lim.usd !== null && worst.usd !== null && spent.usd + c.reservedUsd + worst.usd > (lim.usd * b.hardStopPercent) / 100;
        const overTok = lim.tokens !== null && spent.tokens + c.reservedTokens + worst.tokens > (lim.tokens * b.hardStopPercent) / 100;
        if (overUsd || overTok) {
          out.push({
            budget: b,
            counter: c,
            kind: 'stop',
            message: `Tollgate blocked this request: budget "${c.run ? `${b.name} (run ${c.run})` : b.name}" (${scopeWords(b)}) is at its hard stop: ${spendWords(b, spent, lim)}, stop at ${b.hardStopPercent}%${c.reservedUsd > 0 ? `, with ${usd(c.reservedUsd)} held by requests in flight` : ''}. It resets ${resetWords(c)}. ${HOW_TO_RAISE}`,
          });
          continue;
        }
      }
      if (b.dailyGuardrailUsd !== null && worst.usd !== null && c.guardSpentUsd + c.guardReservedUsd + worst.usd > b.dailyGuardrailUsd) {
        out.push({
          budget: b,
          counter: c,
          kind: 'guardrail',
          message: `Tollgate blocked this request: budget "${b.name}" (${scopeWords(b)}) reached its daily guardrail: ${usd(c.guardSpentUsd)} of ${usd(b.dailyGuardrailUsd)} today. It resets at ${when(nextDayStart(now), tz())}. ${HOW_TO_RAISE}`,
        });
        continue;
      }
      if (warning === null) {
        const pct = percentOf(b, spent, lim);
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

  function makeTicket(id: string, reservations: Reservation[], worst: Worst, target: PricingTarget, model: string, input: AdmissionInput): AdmissionTicket {
    if (reservations.length === 0) return NO_RESERVATION;
    tickets.set(id, { reservations, at: input.ts, worst, target, model, input });
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
          const c = counters.get(r.key);
          if (!c) continue;
          const lim = limitsOf(b, now);
          const spent = spentOf(b, c, now);
          const others = c.reservedUsd - r.usd;
          if (lim.usd !== null && running !== null && spent.usd + others + running > (lim.usd * b.hardStopPercent) / 100) {
            return `Tollgate ended this stream: it would carry budget "${b.name}" past its hard stop (${usd((lim.usd * b.hardStopPercent) / 100)}). ${HOW_TO_RAISE}`;
          }
          const othersTok = c.reservedTokens - r.tokens;
          if (lim.tokens !== null && spent.tokens + othersTok + worst.inputTokens + outSoFar > (lim.tokens * b.hardStopPercent) / 100) {
            return `Tollgate ended this stream: it would carry budget "${b.name}" past its hard stop (${fmtTokens((lim.tokens * b.hardStopPercent) / 100)}). ${HOW_TO_RAISE}`;
          }
        }
        return null;
      },
      settle(record: RequestRecord) {
        if (!tickets.delete(id)) return;
        const now = deps.clock.now();
        const used = record.usage.inputTokens + record.usage.outputTokens;
        for (const r of reservations) {
          const c = counters.get(r.key) ?? counterFor(r.budget, r.key.includes('#') ? record.run : null, now);
          unreserve(c, r);
          const b = budgets.get(r.budget.id);
          if (!b) continue; // deleted while in flight
          rollTo(c, b, now, tz());
          addSpend(c, b, record.costUsd ?? 0, used, now);
          if (record.costUsd === null) c.unpriced++;
          if (b.dailyGuardrailUsd !== null) {
            counterFor(b, c.run, now);
            c.guardSpentUsd += record.costUsd ?? 0;
          }
          checkAlerts(b, c, now);
        }
        if (record.flags.includes('cut-off')) recordAudit('cut-off', record.note ?? 'stream ended at a hard stop', reservations[0]!.budget.id, record.id);
        deps.onChange();
      },
      release() {
        if (!tickets.delete(id)) return;
        for (const r of reservations) {
          const c = counters.get(r.key);
          if (c) unreserve(c, r);
        }
        deps.onChange();
      },
    };
  }

  function unreserve(c: Counter, r: Reservation) {
    c.reservedUsd = Math.max(0, c.reservedUsd - r.usd);
    c.reservedTokens = Math.max(0, c.reservedTokens - r.tokens);
    if (r.guard) c.guardReservedUsd = Math.max(0, c.guardReservedUsd - r.usd);
  }

  function admit(input: AdmissionInput): AdmissionDecision {
    const s = deps.settings();
    if (s.paused) {
      return block(402, 'paused', 'Tollgate has paused all AI traffic. Resume it from the tray menu or the dashboard (Settings → Pause).', 'paused');
    }
    const now = input.ts;
    const facts: CallFacts = { provider: input.provider, keyId: input.keyId, model: input.model, project: input.project, user: input.user, run: input.run };
    const applicable: Budget[] = [];
    for (const b of budgets.values()) if (b.enabled && inScope(b.scope, facts)) applicable.push(b);
    if (applicable.length === 0 && s.unpricedPolicy === 'allow') return { ok: true, ticket: NO_RESERVATION, headers: {} };

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
        recordAudit('block', msg, null, input.requestId);
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
          recordAudit('degrade', `Degraded ${input.model} → ${target}: ${violations.map((v) => `"${v.budget.name}"`).join(', ')} at hard stop.`, violations[0]!.budget.id, input.requestId);
        } else {
          const msg = `${violations[0]!.message} (No cheaper model is configured to degrade ${input.model} to.)`;
          recordAudit('block', msg, violations[0]!.budget.id, input.requestId);
          return block(402, 'budget_exceeded', msg, `budget "${violations[0]!.budget.name}"`);
        }
      } else {
        const v = violations.find((x) => x.budget.action === 'block' || x.kind === 'iterations') ?? violations[0]!;
        recordAudit('block', v.message, v.budget.id, input.requestId);
        return block(402, 'budget_exceeded', v.message, `budget "${v.budget.name}"`);
      }
    }

    // Reserve the worst case against every applicable budget in this one synchronous step: concurrent requests
    // see each other's reservations, so they cannot all pass on the same remaining amount.
    const reservations: Reservation[] = [];
    for (const b of applicable) {
      const run = b.scope.run ? facts.run : null;
      const c = counterFor(b, run, now);
      const r: Reservation = { key: counterKey(b.id, run), budget: b, usd: worst.usd ?? 0, tokens: worst.tokens, guard: b.dailyGuardrailUsd !== null };
      c.reservedUsd += r.usd;
      c.reservedTokens += r.tokens;
      if (r.guard) c.guardReservedUsd += r.usd;
      if (run !== null) c.iterations++;
      c.lastActivity = now;
      reservations.push(r);
    }
    if (warning && !headers['x-tollgate-budget-warning']) headers['x-tollgate-budget-warning'] = warning;
    if (reservations.some((r) => r.budget.scope.run)) deps.onChange();
    return {
      ok: true,
      ticket: makeTicket(input.requestId, reservations, worst, input.pricing, model, input),
      headers,
      ...(degradedTo ? { model: degradedTo } : {}),
      ...(effectiveClamp !== undefined ? { maxOutputTokens: effectiveClamp } : {}),
    };
  }

  // ---- status --------------------------------------------------------------------------------------------

  function stateOf(b: Budget, pct: number, guardHit: boolean): BudgetStatus['state'] {
    if ((b.hardStopPercent !== null && pct >= b.hardStopPercent) || guardHit) return 'stopped';
    if (pct >= 100) return 'exceeded';
    const tiers = b.thresholds;
    if (tiers.length >= 2 && pct >= tiers[tiers.length - 2]!) return 'warning';
    if (pct >= (tiers[0] ?? 100)) return 'notice';
    return 'ok';
  }

  function statusOf(b: Budget, c: Counter, now: number): BudgetStatus {
    const lim = limitsOf(b, now);
    const spent = spentOf(b, c, now);
    const rep = reportedFor(b, c, now);
    const pct = percentOf(b, spent, lim);
    const guardHit = b.dailyGuardrailUsd !== null && c.guardSpentUsd >= b.dailyGuardrailUsd;
    return {
      budget: b,
      run: c.run,
      periodKey: c.periodKey,
      periodStart: c.periodStart,
      resetsAt: c.periodEnd,
      spentUsd: spent.usd,
      spentTokens: spent.tokens,
      reservedUsd: c.reservedUsd,
      reservedTokens: c.reservedTokens,
      reportedUsd: rep ? rep.usd : null,
      reportedAsOf: rep ? rep.asOf : null,
      effectiveLimitUsd: lim.usd,
      effectiveLimitTokens: lim.tokens,
      percent: pct,
      state: stateOf(b, pct, guardHit),
      fired: c.fired.filter((f) => f.startsWith('t:')).map((f) => Number(f.slice(2))),
      unpricedRequests: c.unpriced,
      guardrail:
        b.dailyGuardrailUsd !== null
          ? { limitUsd: b.dailyGuardrailUsd, spentUsd: c.guardSpentUsd, percent: (c.guardSpentUsd / b.dailyGuardrailUsd) * 100, resetsAt: nextDayStart(now) }
          : null,
      overrides: activeOverrides(b.id, now),
      iterations: c.run !== null ? c.iterations : null,
    };
  }

  function sweep() {
    const now = deps.clock.now();
    const s = deps.settings();
    const staleAfter = s.upstreamIdleTimeoutMs + 120_000;
    for (const [id, t] of tickets) {
      if (now - t.at > staleAfter) {
        tickets.delete(id);
        for (const r of t.reservations) {
          const c = counters.get(r.key);
          if (c) unreserve(c, r);
        }
        deps.onChange();
      }
    }
    for (const o of overrides) {
      if (o.expiresAt > now && o.expiresAt - now <= OVERRIDE_WARNING_MS && !warnedOverrides.has(o.id)) {
        warnedOverrides.add(o.id);
        const b = budgets.get(o.budgetId);
        const a: BudgetAlert = {
          id: `override|${o.id}|expiring`,
          kind: 'override-expiring',
          budgetId: o.budgetId,
          budgetName: b?.name ?? o.budgetId,
          tier: null,
          spentUsd: null,
          limitUsd: null,
          spentTokens: null,
          limitTokens: null,
          periodKey: null,
          resetsAt: o.expiresAt,
          title: `Override on "${b?.name ?? o.budgetId}" ends soon`,
          body: `The temporary raise (${o.reason}) ends at ${when(o.expiresAt, tz())}; the budget's own limit applies again then.`,
          at: now,
        };
        alerts.push(a);
        deps.onAlert(a);
        deps.onChange();
      }
    }
    const expired = overrides.filter((o) => o.expiresAt <= now);
    if (expired.length) {
      overrides = overrides.filter((o) => o.expiresAt > now);
      for (const o of expired) {
        warnedOverrides.delete(o.id);
        recordAudit('override-expired', `Override on "${budgets.get(o.budgetId)?.name ?? o.budgetId}" (${o.reason}) expired.`, o.budgetId);
      }
    }
    for (const b of budgets.values()) {
      if (!b.enabled) continue;
      for (const c of counters.values()) {
        if (c.budgetId !== b.id) continue;
        if (rollTo(c, b, now, tz())) deps.onChange();
      }
    }
  }

  function checkAllAlerts() {
    const now = deps.clock.now();
    for (const b of budgets.values()) {
      if (!b.enabled || b.scope.run) continue;
      checkAlerts(b, counterFor(b, null, now), now);
    }
  }

  return {
    admit,
    recordAudit,
    sweep,
    get outstanding() {
      return tickets.size;
    },
    list() {
      const now = deps.clock.now();
      const out: BudgetStatus[] = [];
      for (const b of budgets.values()) {
        if (b.scope.run) {
          const runs = [...counters.values()].filter((c) => c.budgetId === b.id && c.run !== null).sort((x, y) => y.lastActivity - x.lastActivity);
          for (const c of runs.slice(0, 20)) {
            rollTo(c, b, now, tz());
            out.push(statusOf(b, c, now));
          }
          if (runs.length === 0) out.push(statusOf(b, newCounter(b.id, null, periodAt(b.period, now, tz()), now), now));
        } else out.push(statusOf(b, counterFor(b, null, now), now));
      }
      return out;
    },
    get: (id) => budgets.get(id) ?? null,
    create(input) {
      const b = validateBudget(input, null, deps.settings(), deps.clock.now(), nextId('bud'));
      budgets.set(b.id, b);
      recordAudit('budget-created', `Budget "${b.name}" created (${scopeWords(b)}).`, b.id);
      return b;
    },
    update(id, patch) {
      const cur = budgets.get(id);
      if (!cur) throw new NotFoundError(`No budget "${id}".`);
      if (cur.source === 'file') throw new ValidationError('id', `budget "${cur.name}" is declared in budgets.json; edit it there`);
      const next = validateBudget(patch, cur, deps.settings(), deps.clock.now(), id);
      budgets.set(id, next);
      reportedCache.delete(id);
      if (JSON.stringify(next.period) !== JSON.stringify(cur.period)) {
        for (const [k, c] of counters) if (c.budgetId === id) counters.set(k, { ...newCounter(id, c.run, periodAt(next.period, deps.clock.now(), tz()), deps.clock.now()), reservedUsd: c.reservedUsd, reservedTokens: c.reservedTokens, guardReservedUsd: c.guardReservedUsd });
      }
      recordAudit('budget-updated', `Budget "${next.name}" changed.`, id);
      checkAllAlerts();
      return next;
    },
    remove(id) {
      const cur = budgets.get(id);
      if (!cur) return false;
      if (cur.source === 'file') throw new ValidationError('id', `budget "${cur.name}" is declared in budgets.json; remove it there`);
      budgets.delete(id);
      for (const [k, c] of counters) if (c.budgetId === id) counters.delete(k);
      overrides = overrides.filter((o) => o.budgetId !== id);
      recordAudit('budget-deleted', `Budget "${cur.name}" deleted.`, id);
      return true;
    },
    addOverride(o) {
      const b = budgets.get(o.budgetId);
      if (!b) throw new NotFoundError(`No budget "${o.budgetId}".`);
      const ov: BudgetOverride = { id: nextId('ovr'), createdAt: deps.clock.now(), ...o };
      overrides.push(ov);
      const raise = o.addUsd !== null ? `+${usd(o.addUsd)}` : `+${o.addPercent}%`;
      recordAudit('override', `Override on "${b.name}": ${raise} until ${when(o.expiresAt, tz())}. Why: ${o.reason}`, b.id);
      return ov;
    },
    cancelOverride(id) {
      const o = overrides.find((x) => x.id === id);
      if (!o) return false;
      overrides = overrides.filter((x) => x.id !== id);
      recordAudit('override', `Override on "${budgets.get(o.budgetId)?.name ?? o.budgetId}" (${o.reason}) cancelled.`, o.budgetId);
      return true;
    },
    audit(limit = 200, kind) {
      const list = kind ? audit.filter((a) => a.kind === kind) : audit;
      return list.slice(-limit).reverse();
    },
    alerts: (limit = 50) => alerts.slice(-limit).reverse(),
    replaceFileBudgets(list) {
      for (const [id, b] of budgets) if (b.source === 'file' && !list.some((n) => n.id === id)) budgets.delete(id);
      for (const b of list) {
        const cur = budgets.get(b.id);
        if (cur && cur.source === 'api') throw new ValidationError(`budgets.json: ${b.id}`, 'has the id of a budget made in the app');
        budgets.set(b.id, cur ? { ...b, createdAt: cur.createdAt } : b);
        reportedCache.delete(b.id);
      }
      deps.onChange();
      checkAllAlerts();
    },
    setReportedSource(src) {
      offReported?.();
      reported = src;
      reportedVersion++;
      offReported =
        src?.onChange(() => {
          reportedVersion++;
          // A teammate's direct spend can cross a threshold with no request through this proxy.
          checkAllAlerts();
          deps.onChange();
        }) ?? null;
    },
    seed(b, usdSoFar, tokensSoFar) {
      const now = deps.clock.now();
      const c = counterFor(b, null, now);
      addSpend(c, b, usdSoFar, tokensSoFar, now);
      checkAlerts(b, c, now);
    },
    snapshot: () => ({
      version: 1,
      budgets: [...budgets.values()],
      counters: [...counters.values()].map(toStored),
      overrides,
      audit,
      alerts,
      warnedOverrides: [...warnedOverrides],
    }),
  };
}

const NO_RESERVATION: AdmissionTicket = { progress: () => null, settle: () => {}, release: () => {} };

export type { BudgetScope };
