/**
 * The budget form as text fields, turned into a BudgetInput with the same rules the engine applies, so most
 * mistakes are named on their field before a round trip. The engine stays the judge: its errors carry `field`
 * (e.g. "period.billingDay", "thresholds[1]"), mapped back onto the form by formFieldFor.
 */
import type { AdmissionMode, Budget, BudgetInput, BudgetSources, BudgetSuggestion, PeriodKind, SpendSource } from '../../../main/contract/budgets';

export interface BudgetFormValues {
  name: string;
  'scope.provider': string;
  'scope.project': string;
  'scope.keyId': string;
  'scope.model': string;
  'scope.user': string;
  'scope.run': string;
  'scope.team': string;
  'period.kind': PeriodKind;
  'period.billingDay': string;
  'period.days': string;
  'period.weekStartsOn': '0' | '1';
  limitUsd: string;
  limitTokens: string;
  thresholds: string;
  /** Off: warn only, never stop. */
  hardStop: boolean;
  hardStopPercent: string;
  action: 'block' | 'degrade';
  /** One "requested-model -> cheaper-model" per line. */
  degradeTo: string;
  dailyGuardrailUsd: string;
  counts: SpendSource;
  /** Beside proxied calls: coding tools' local logs, and their OpenTelemetry export. */
  sources: BudgetSources;
  'runLimits.maxIterations': string;
  'runLimits.maxTokensPerIteration': string;
  /** '' while the budget has none (the engine then reserves streams at their expected output): sent only once set. */
  admission: AdmissionMode | '';
  enabled: boolean;
}

export type BudgetField = keyof BudgetFormValues;
export type FormErrors = Partial<Record<BudgetField | 'form', string>>;

export const FIELDS = [
  'name',
  'scope.provider',
  'scope.project',
  'scope.keyId',
  'scope.model',
  'scope.user',
  'scope.run',
  'scope.team',
  'period.kind',
  'period.billingDay',
  'period.days',
  'period.weekStartsOn',
  'limitUsd',
  'limitTokens',
  'thresholds',
  'hardStop',
  'hardStopPercent',
  'action',
  'degradeTo',
  'dailyGuardrailUsd',
  'counts',
  'sources',
  'runLimits.maxIterations',
  'runLimits.maxTokensPerIteration',
  'admission',
  'enabled',
] as const satisfies readonly BudgetField[];

/** A blank form with the tiers new budgets get (Settings → default tiers). */
export function emptyBudgetForm(defaults?: { thresholds: readonly number[]; hardStopPercent: number | null }): BudgetFormValues {
  const f = blankForm();
  if (defaults) {
    f.thresholds = defaults.thresholds.join(', ');
    f.hardStop = defaults.hardStopPercent !== null;
    if (defaults.hardStopPercent !== null) f.hardStopPercent = String(defaults.hardStopPercent);
  }
  return f;
}

function blankForm(): BudgetFormValues {
  return {
    name: '',
    'scope.provider': '',
    'scope.project': '',
    'scope.keyId': '',
    'scope.model': '',
    'scope.user': '',
    'scope.run': '',
    'scope.team': '',
    'period.kind': 'month',
    'period.billingDay': '1',
    'period.days': '30',
    'period.weekStartsOn': '1',
    limitUsd: '',
    limitTokens: '',
    thresholds: '50, 80, 100',
    hardStop: true,
    hardStopPercent: '120',
    action: 'block',
    degradeTo: '',
    dailyGuardrailUsd: '',
    counts: 'max',
    sources: 'proxy+logs+telemetry',
    'runLimits.maxIterations': '',
    'runLimits.maxTokensPerIteration': '',
    admission: '',
    enabled: true,
  };
}

const str = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));

export function budgetToForm(b: Budget): BudgetFormValues {
  return {
    name: b.name,
    'scope.provider': b.scope.provider ?? '',
    'scope.project': b.scope.project ?? '',
    'scope.keyId': b.scope.keyId ?? '',
    'scope.model': b.scope.model ?? '',
    'scope.user': b.scope.user ?? '',
    'scope.run': b.scope.run ?? '',
    'scope.team': b.scope.team ?? '',
    'period.kind': b.period.kind,
    'period.billingDay': str(b.period.kind === 'month' ? (b.period.billingDay ?? 1) : 1),
    'period.days': str(b.period.kind === 'rolling' ? b.period.days : 30),
    'period.weekStartsOn': b.period.kind === 'week' && b.period.weekStartsOn === 0 ? '0' : '1',
    limitUsd: str(b.limitUsd),
    limitTokens: str(b.limitTokens),
    thresholds: b.thresholds.join(', '),
    hardStop: b.hardStopPercent !== null,
    hardStopPercent: str(b.hardStopPercent ?? 120),
    action: b.action,
    degradeTo: Object.entries(b.degradeTo)
      .map(([from, to]) => `${from} -> ${to}`)
      .join('\n'),
    dailyGuardrailUsd: str(b.dailyGuardrailUsd),
    counts: b.counts,
    sources: b.sources ?? 'proxy+logs+telemetry',
    'runLimits.maxIterations': str(b.runLimits.maxIterations),
    'runLimits.maxTokensPerIteration': str(b.runLimits.maxTokensPerIteration),
    admission: b.admission ?? '',
    enabled: b.enabled,
  };
}

/** A suggestion from the baseline, as a monthly budget with its daily guardrail. */
export function suggestionToForm(s: BudgetSuggestion): BudgetFormValues {
  const f = emptyBudgetForm();
  f.name = s.label;
  for (const k of ['provider', 'project', 'keyId', 'model', 'user', 'run'] as const) f[`scope.${k}`] = s.scope[k] ?? '';
  f['period.kind'] = 'month';
  f.limitUsd = String(roundMoney(s.suggestedMonthlyUsd));
  f.dailyGuardrailUsd = s.suggestedDailyGuardrailUsd > 0 ? String(roundMoney(s.suggestedDailyGuardrailUsd)) : '';
  return f;
}

const roundMoney = (v: number) => Math.round(v * 100) / 100;

type Parsed = { ok: true; value: number | null } | { ok: false; error: string };

function num(text: string, opts: { min?: number; max?: number; integer?: boolean; positive?: boolean } = {}): Parsed {
  const t = text.trim().replace(/^\$/, '').replace(/,/g, '');
  if (t === '') return { ok: true, value: null };
  const v = Number(t);
  if (!Number.isFinite(v)) return { ok: false, error: 'must be a number' };
  if (opts.integer && !Number.isInteger(v)) return { ok: false, error: 'must be a whole number' };
  if (opts.positive && v <= 0) return { ok: false, error: 'must be more than 0' };
  if (opts.min !== undefined && v < opts.min) return { ok: false, error: `must be at least ${opts.min}` };
  if (opts.max !== undefined && v > opts.max) return { ok: false, error: `must be at most ${opts.max}` };
  return { ok: true, value: v };
}

/** "gpt-4o -> gpt-4o-mini" (also "→", "=>", "="), one per line. */
export function parseDegradeMap(text: string): { map: Record<string, string> } | { error: string } {
  const map: Record<string, string> = {};
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const m = /^(\S+)\s*(?:->|→|=>|=)\s*(\S+)$/.exec(line);
    if (!m) return { error: `line ${i + 1}: write "requested-model -> cheaper-model"` };
    map[m[1]!] = m[2]!;
  }
  return { map };
}

/** Validates the form; returns the input to send, or the errors by field. */
export function validateBudgetForm(v: BudgetFormValues): { input: BudgetInput | null; errors: FormErrors } {
  const errors: FormErrors = {};
  const take = (field: BudgetField, p: Parsed): number | null => {
    if (!p.ok) {
      errors[field] = p.error;
      return null;
    }
    return p.value;
  };

  const name = v.name.trim();
  if (!name) errors.name = 'Give the budget a name, e.g. "Claude Code" or "Team – October".';
  else if (name.length > 100) errors.name = 'must be at most 100 characters';

  const limitUsd = take('limitUsd', num(v.limitUsd, { positive: true, max: 1e9 }));
  const limitTokens = take('limitTokens', num(v.limitTokens, { positive: true, integer: true, max: 1e9 }));
  const maxIterations = take('runLimits.maxIterations', num(v['runLimits.maxIterations'], { integer: true, min: 1, max: 1e7 }));
  const maxTokens = take('runLimits.maxTokensPerIteration', num(v['runLimits.maxTokensPerIteration'], { integer: true, min: 1, max: 1e7 }));
  const runCapped = maxIterations !== null || maxTokens !== null;
  // A run budget may cap only iterations or tokens per call; any other budget needs a limit.
  if (!errors.limitUsd && !errors.limitTokens && limitUsd === null && limitTokens === null && !runCapped) {
    errors.limitUsd = 'Set a dollar limit, a token limit, or both.';
  }
  if (runCapped && !v['scope.run'].trim()) {
    errors[maxIterations !== null ? 'runLimits.maxIterations' : 'runLimits.maxTokensPerIteration'] = 'Run caps apply to agent runs: set "Agent run" ("*" for every run).';
  }

  const kind = v['period.kind'];
  let period: BudgetInput['period'] = { kind: 'total' };
  if (kind === 'month') {
    const d = take('period.billingDay', num(v['period.billingDay'], { integer: true, min: 1, max: 28 }));
    period = d !== null ? { kind, billingDay: d } : { kind };
  } else if (kind === 'rolling') {
    const d = take('period.days', num(v['period.days'], { integer: true, min: 1, max: 366 }));
    if (d === null && !errors['period.days']) errors['period.days'] = 'A rolling window needs its length in days.';
    // Without a length the form has an error and is not sent; the placeholder only keeps the type whole.
    period = { kind, days: d ?? 0 };
  } else if (kind === 'week') {
    period = { kind, weekStartsOn: v['period.weekStartsOn'] === '0' ? 0 : 1 };
  } else period = { kind };

  let thresholds: number[] | undefined;
  const tText = v.thresholds.trim();
  if (tText) {
    const parts = tText.split(/[\s,;]+/).filter(Boolean).map((p) => p.replace(/%$/, ''));
    const nums = parts.map(Number);
    if (nums.some((n) => !Number.isFinite(n) || n <= 0 || n > 1000)) errors.thresholds = 'List percentages between 1 and 1000, e.g. "50, 80, 100".';
    else if (nums.some((n, i) => i > 0 && n <= nums[i - 1]!)) errors.thresholds = 'List the tiers in ascending order, each once.';
    else thresholds = nums;
  }

  let hardStopPercent: number | null = null;
  if (v.hardStop) {
    const p = take('hardStopPercent', num(v.hardStopPercent, { min: 100, max: 1000 }));
    if (p === null && !errors.hardStopPercent) errors.hardStopPercent = 'Say at what percent requests stop (100 or more), or turn the hard stop off.';
    hardStopPercent = p;
  }

  let degradeTo: Record<string, string> | undefined;
  if (v.action === 'degrade' && v.degradeTo.trim()) {
    const r = parseDegradeMap(v.degradeTo);
    if ('error' in r) errors.degradeTo = r.error;
    else degradeTo = r.map;
  }

  // Only monthly budgets carry a daily guardrail; for other periods the field is hidden and ignored.
  const guardrail = kind === 'month' ? take('dailyGuardrailUsd', num(v.dailyGuardrailUsd, { positive: true })) : null;
  if (guardrail !== null && limitUsd !== null && guardrail > limitUsd) errors.dailyGuardrailUsd = 'A daily cap above the whole limit would never act.';

  const model = v['scope.model'].trim();
  if (model.includes('*') && (model.indexOf('*') !== model.length - 1)) errors['scope.model'] = 'A "*" may only end the pattern, as in "claude-opus-*".';

  if (Object.keys(errors).length > 0) return { input: null, errors };

  const scope: BudgetInput['scope'] = {};
  for (const k of ['provider', 'project', 'keyId', 'model', 'user', 'run', 'team'] as const) {
    const s = v[`scope.${k}`].trim();
    if (s) scope[k] = s;
  }
  const input: BudgetInput = {
    name,
    scope,
    period,
    limitUsd,
    limitTokens,
    hardStopPercent,
    action: v.action,
    dailyGuardrailUsd: guardrail,
    counts: v.counts,
    sources: v.sources,
    enabled: v.enabled,
  };
  if (thresholds) input.thresholds = thresholds;
  if (v.admission) input.admission = v.admission;
  // Always sent, even empty, so that clearing them in an edit clears them in the budget.
  input.degradeTo = v.action === 'degrade' ? (degradeTo ?? {}) : {};
  input.runLimits = {};
  if (maxIterations !== null) input.runLimits.maxIterations = maxIterations;
  if (maxTokens !== null) input.runLimits.maxTokensPerIteration = maxTokens;
  return { input, errors };
}

const KNOWN = new Set<string>(FIELDS);

/**
 * The form field for an engine error's field path: exact, else without a list index ("thresholds[1]" →
 * "thresholds"), else its nearest parent ("degradeTo.gpt-4o" → "degradeTo", "period" → period.kind).
 * null: show it above the form.
 */
export function formFieldFor(field: string | undefined): BudgetField | null {
  if (!field) return null;
  let f = field.replace(/^budget\./, '');
  for (;;) {
    if (KNOWN.has(f)) return f as BudgetField;
    const stripped = f.replace(/\[\d+\]$/, '');
    if (stripped !== f) {
      f = stripped;
      continue;
    }
    if (f === 'period') return 'period.kind';
    if (f === 'runLimits') return 'runLimits.maxIterations';
    const dot = f.lastIndexOf('.');
    if (dot < 0) return null;
    f = f.slice(0, dot);
  }
}
