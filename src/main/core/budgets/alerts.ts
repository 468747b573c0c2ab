import type { Budget, BudgetAlert, BudgetOverride } from '../../contract/budgets.js';
import type { Settings } from '../../contract/settings.js';
import { plainAlert } from '../alerts/format.js';
import type { Clock } from '../util/clock.js';
import { counterKey, type Counter } from './counters.js';
import { usd } from './format.js';
import type { Spend } from './spend.js';
import type { BudgetState } from './state.js';
import { externalTools } from './sources.js';
import { HOW_TO_RAISE, unblockableWords, type Words } from './words.js';

const ALERT_LIMIT = 200;

/** In a counter's fired list: admission refused a call that could not fit even alone (see admissionStop). */
export const BLOCKED_TAG = 'blocked';

export interface BudgetAlerts {
  /** Fires each tier crossed, once per budget × period × tier: the fired list lives in the counter, persisted. */
  check(b: Budget, c: Counter, now: number): void;
  /**
   * The first clamp or block admission makes for a budget in a period fires its hard-stop alert (the same tag a
   * crossing of the stop by spend fires, so once in all). `stopped`: the call would not fit even with nothing in
   * flight, so the budget is marked stopped for the period (status.ts).
   */
  admissionStop(b: Budget, c: Counter, now: number, what: 'clamp' | 'block', stopped: boolean): void;
  /** Re-checks every enabled budget that is not per run (after an edit, or new reported spend). */
  checkAll(): void;
  /** Warns once that an override is about to end. */
  overrideExpiring(o: BudgetOverride, now: number): void;
  /** Newest first. */
  list(limit?: number): BudgetAlert[];
}

interface Deps {
  clock: Clock;
  settings: () => Settings;
  onChange: () => void;
  onAlert: (a: BudgetAlert) => void;
  spend: Spend;
  words: Words;
}

/** Spend from coding tools that bypass the proxy counts in the budget, but no stop can reach it: say so. */
function unstoppableNote(c: Counter): string {
  const ext = externalTools(c);
  return ext.length ? ` ${unblockableWords(ext)}` : '';
}

export function createBudgetAlerts(state: BudgetState, deps: Deps): BudgetAlerts {
  const { spend, words } = deps;

  function push(a: BudgetAlert) {
    state.alerts.push(a);
    if (state.alerts.length > ALERT_LIMIT) state.alerts.splice(0, state.alerts.length - ALERT_LIMIT);
  }

  function fire(b: Budget, c: Counter, tag: string, alert: Omit<BudgetAlert, 'id' | 'budgetId' | 'budgetName' | 'periodKey' | 'at'>) {
    if (c.fired.includes(tag)) return;
    c.fired.push(tag);
    const a: BudgetAlert = {
      id: `${counterKey(b.id, c.run)}|${tag.startsWith('guard:') ? c.guardDay : c.periodKey}|${tag}`,
      budgetId: b.id,
      budgetName: words.name(b, c),
      periodKey: c.periodKey,
      at: deps.clock.now(),
      ...alert,
    };
    push(a);
    deps.onChange();
    deps.onAlert(a);
  }

  /**
   * The lowest tier (threshold or hard stop) not yet fired in the counter's period, cached on the counter (see
   * Counter.nextTier) while its fired list and the budget are the ones it was computed from.
   */
  function nextTier(b: Budget, c: Counter): number {
    if (c.nextTierFired === c.fired && c.nextTierCount === c.fired.length && c.nextTierBudget === b) return c.nextTier;
    let tier = Infinity;
    for (const t of b.thresholds) if (t < tier && !c.fired.includes(`t:${t}`)) tier = t;
    if (b.hardStopPercent !== null && b.hardStopPercent < tier && !c.fired.includes(`stop:${b.hardStopPercent}`)) tier = b.hardStopPercent;
    c.nextTierFired = c.fired;
    c.nextTierCount = c.fired.length;
    c.nextTierBudget = b;
    c.nextTier = tier;
    return tier;
  }

  function check(b: Budget, c: Counter, now: number) {
    if (spend.reaches(b, c, now, nextTier(b, c))) fireTiers(b, c, now, spend.percent(b, c, now));
    if (b.dailyGuardrailUsd !== null && c.guardSpentUsd >= b.dailyGuardrailUsd && !c.fired.includes('guard:100')) {
      const resetsAt = spend.day(now).end;
      fire(b, c, 'guard:100', {
        kind: 'guardrail',
        tier: 100,
        spentUsd: c.guardSpentUsd,
        limitUsd: b.dailyGuardrailUsd,
        spentTokens: null,
        limitTokens: null,
        resetsAt,
        title: `Daily guardrail of "${words.name(b, c)}" reached`,
        body: `${usd(c.guardSpentUsd)} of the ${usd(b.dailyGuardrailUsd)} daily guardrail today. Requests for ${words.scope(b)} ${b.action === 'degrade' ? 'go to a cheaper model' : 'are blocked'} until ${words.when(resetsAt)}.${unstoppableNote(c)}`,
      });
    }
  }

  /** Only reached when some tier is newly crossed: builds the words for each. */
  function fireTiers(b: Budget, c: Counter, now: number, pct: number) {
    const lim = spend.limitsOf(b, now);
    const spent = spend.spentOf(b, c, now);
    const name = words.name(b, c);
    const unstoppable = unstoppableNote(c);
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
          body: `${words.spend(b, spent, lim)}. ${words.stop(b, lim)} Resets ${words.reset(c)}.${unstoppable}`,
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
          ? `${words.spend(b, spent, lim)}. Requests for ${words.scope(b)} ${verb} until it resets ${words.reset(c)}. ${HOW_TO_RAISE}${unstoppable}`
          : `${words.spend(b, spent, lim)}. Hard-stop enforcement is off, so requests continue.${unstoppable}`,
      });
    }
  }

  function admissionStop(b: Budget, c: Counter, now: number, what: 'clamp' | 'block', stopped: boolean) {
    if (stopped && !c.fired.includes(BLOCKED_TAG)) {
      c.fired.push(BLOCKED_TAG);
      deps.onChange();
    }
    if (b.hardStopPercent === null || c.fired.includes(`stop:${b.hardStopPercent}`)) return;
    const lim = spend.limitsOf(b, now);
    const spent = spend.spentOf(b, c, now);
    const name = words.name(b, c);
    const did =
      what === 'clamp'
        ? `A request that did not fit in what is left before the stop was shortened to fit; requests for ${words.scope(b)} are blocked once not even their input and a minimal answer fit.`
        : `Requests for ${words.scope(b)} that do not fit in what is left before the stop are now blocked.`;
    fire(b, c, `stop:${b.hardStopPercent}`, {
      kind: 'hard-stop',
      tier: b.hardStopPercent,
      spentUsd: lim.usd !== null ? spent.usd : null,
      limitUsd: lim.usd,
      spentTokens: lim.tokens !== null ? spent.tokens : null,
      limitTokens: lim.tokens,
      resetsAt: c.periodEnd,
      title: `Budget "${name}" reached its hard stop`,
      body: `${words.spend(b, spent, lim)}. ${did} It resets ${words.reset(c)}. ${HOW_TO_RAISE}`,
    });
  }

  return {
    check,
    admissionStop,
    checkAll() {
      const now = deps.clock.now();
      for (const b of state.budgets.values()) {
        if (!b.enabled || b.scope.run) continue;
        check(b, spend.counterFor(b, null, now), now);
      }
    },
    overrideExpiring(o, now) {
      const name = state.budgets.get(o.budgetId)?.name ?? o.budgetId;
      const a = plainAlert({
        id: `override|${o.id}|expiring`,
        kind: 'override-expiring',
        budgetId: o.budgetId,
        budgetName: name,
        resetsAt: o.expiresAt,
        title: `Override on "${name}" ends soon`,
        body: `The temporary raise (${o.reason}) ends at ${words.when(o.expiresAt)}; the budget's own limit applies again then.`,
        at: now,
      });
      state.alerts.push(a);
      deps.onAlert(a);
      deps.onChange();
    },
    list: (limit = 50) => state.alerts.slice(-limit).reverse(),
  };
}
