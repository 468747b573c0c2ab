import { BUDGET_SOURCES, PERIOD_KINDS, type Budget, type BudgetPeriod, type BudgetScope, type RunLimits } from '../../contract/budgets.js';
import type { Settings } from '../../contract/settings.js';
import { validateDegradeMap, validateTiers } from '../settings/settings.js';
import {
  optionalString,
  requireBoolean,
  requireNumber,
  requireObject,
  requireOneOf,
  requireString,
  ValidationError,
} from '../util/validation.js';

const SCOPE_FIELDS = ['provider', 'project', 'keyId', 'user', 'model', 'run', 'team'] as const;

function validateScope(v: unknown): BudgetScope {
  const o = requireObject(v ?? {}, 'scope');
  const out: BudgetScope = {};
  for (const [k, val] of Object.entries(o)) {
    if (!(SCOPE_FIELDS as readonly string[]).includes(k)) {
      throw new ValidationError(`scope.${k}`, `is not a scope; use ${SCOPE_FIELDS.join(', ')} (none for all traffic)`);
    }
    const s = optionalString(val, `scope.${k}`);
    if (s) out[k as keyof BudgetScope] = s;
  }
  return out;
}

function validatePeriod(v: unknown): BudgetPeriod {
  const o = requireObject(v, 'period');
  const kind = requireOneOf(o.kind, 'period.kind', PERIOD_KINDS);
  switch (kind) {
    case 'month':
      return { kind, billingDay: o.billingDay === undefined ? 1 : requireNumber(o.billingDay, 'period.billingDay', { min: 1, max: 28, integer: true }) };
    case 'rolling':
      return { kind, days: requireNumber(o.days, 'period.days', { min: 1, max: 366, integer: true }) };
    case 'week':
      return { kind, weekStartsOn: o.weekStartsOn === undefined ? 1 : requireOneOf(String(o.weekStartsOn), 'period.weekStartsOn', ['0', '1'] as const) === '0' ? 0 : 1 };
    case 'day':
    case 'total':
      return { kind };
  }
}

function optLimit(v: unknown, field: string, integer = false): number | null {
  if (v === undefined || v === null) return null;
  // Tokens come whole: a limit of 1.5 tokens would block every call (the hostile-input issue found one).
  return requireNumber(v, field, { min: 0, exclusiveMin: true, max: 1e9, integer });
}

function validateRunLimits(v: unknown): RunLimits {
  if (v === undefined || v === null) return {};
  const o = requireObject(v, 'runLimits');
  const out: RunLimits = {};
  if (o.maxIterations !== undefined && o.maxIterations !== null) out.maxIterations = requireNumber(o.maxIterations, 'runLimits.maxIterations', { min: 1, max: 1e7, integer: true });
  if (o.maxTokensPerIteration !== undefined && o.maxTokensPerIteration !== null) {
    out.maxTokensPerIteration = requireNumber(o.maxTokensPerIteration, 'runLimits.maxTokensPerIteration', { min: 1, max: 1e7, integer: true });
  }
  return out;
}

/**
 * Validates a whole budget (create) or a budget with a patch applied (update). Every error names its field;
 * nothing is changed unless all of it is valid.
 */
export function validateBudget(input: unknown, base: Budget | null, settings: Settings, now: number, id: string, source: Budget['source'] = 'api'): Budget {
  const o = { ...(base ?? {}), ...requireObject(input, 'budget') } as Record<string, unknown>;
  const limitUsd = optLimit(o.limitUsd, 'limitUsd');
  const limitTokens = optLimit(o.limitTokens, 'limitTokens', true);
  const runLimits = validateRunLimits(o.runLimits);
  const scope = validateScope(o.scope);
  if (limitUsd === null && limitTokens === null && !runLimits.maxIterations && !runLimits.maxTokensPerIteration) {
    throw new ValidationError('limitUsd', 'set a dollar limit, a token limit, or both');
  }
  if ((runLimits.maxIterations || runLimits.maxTokensPerIteration) && !scope.run) {
    throw new ValidationError('runLimits', 'iteration and per-iteration token caps apply to agent runs: set scope.run ("*" for every run)');
  }
  const period = validatePeriod(o.period ?? { kind: 'month' });
  const tiers = validateTiers(o.thresholds ?? settings.defaultThresholds, o.hardStopPercent === undefined ? settings.defaultHardStopPercent : o.hardStopPercent, {
    thresholds: 'thresholds',
    hardStop: 'hardStopPercent',
  });
  let dailyGuardrailUsd: number | null = null;
  if (o.dailyGuardrailUsd !== undefined && o.dailyGuardrailUsd !== null) {
    if (period.kind !== 'month') throw new ValidationError('dailyGuardrailUsd', 'only monthly budgets carry a daily guardrail');
    dailyGuardrailUsd = requireNumber(o.dailyGuardrailUsd, 'dailyGuardrailUsd', { min: 0, exclusiveMin: true, max: 1e9 });
    if (limitUsd !== null && dailyGuardrailUsd > limitUsd) throw new ValidationError('dailyGuardrailUsd', 'must not exceed the monthly limit');
  }
  return {
    id,
    source,
    name: requireString(o.name, 'name', { max: 100 }),
    scope,
    period,
    limitUsd,
    limitTokens,
    thresholds: tiers.thresholds,
    hardStopPercent: tiers.hardStop,
    action: o.action === undefined ? 'block' : requireOneOf(o.action, 'action', ['block', 'degrade'] as const),
    degradeTo: o.degradeTo === undefined ? {} : validateDegradeMap(o.degradeTo, 'degradeTo'),
    dailyGuardrailUsd,
    counts: o.counts === undefined ? 'max' : requireOneOf(o.counts, 'counts', ['observed', 'reported', 'max'] as const),
    runLimits,
    ...(o.admission !== undefined ? { admission: requireOneOf(o.admission, 'admission', ['strict', 'expected'] as const) } : {}),
    ...(o.sources !== undefined ? { sources: requireOneOf(o.sources, 'sources', BUDGET_SOURCES) } : {}),
    enabled: o.enabled === undefined ? true : requireBoolean(o.enabled, 'enabled'),
    createdAt: base?.createdAt ?? now,
    updatedAt: now,
  };
}
