import { describe, expect, it } from 'vitest';
import {
  budgetToForm,
  emptyBudgetForm,
  formFieldFor,
  parseDegradeMap,
  suggestionToForm,
  validateBudgetForm,
  type BudgetFormValues,
} from '../../../src/renderer/src/lib/budget-form';
import { budget } from '../support/fixtures';

const form = (over: Partial<BudgetFormValues>) => ({ ...emptyBudgetForm(), name: 'Claude Code', limitUsd: '60', ...over });

describe('budget form validation', () => {
  it('turns a filled form into the engine input', () => {
    const { input, errors } = validateBudgetForm(
      form({ 'scope.keyId': 'key_1', 'scope.model': 'claude-opus-*', 'period.billingDay': '15', dailyGuardrailUsd: '$8', thresholds: '50%, 80, 100' }),
    );
    expect(errors).toEqual({});
    expect(input).toEqual({
      name: 'Claude Code',
      scope: { keyId: 'key_1', model: 'claude-opus-*' },
      period: { kind: 'month', billingDay: 15 },
      limitUsd: 60,
      limitTokens: null,
      thresholds: [50, 80, 100],
      hardStopPercent: 120,
      action: 'block',
      dailyGuardrailUsd: 8,
      counts: 'max',
      sources: 'proxy+logs+telemetry',
      enabled: true,
      // Sent even when empty, so clearing them in an edit clears them in the budget.
      degradeTo: {},
      runLimits: {},
    });
  });

  it('keeps a team budget a team budget through an edit', () => {
    const f = budgetToForm(budget({ scope: { team: 'web' } }));
    expect(f['scope.team']).toBe('web');
    expect(validateBudgetForm(f).input?.scope).toEqual({ team: 'web' });
  });

  it('names every field at fault at once', () => {
    const { input, errors } = validateBudgetForm(
      form({ name: ' ', limitUsd: '', limitTokens: '', 'period.billingDay': '31', thresholds: '80, 50', hardStopPercent: '90', 'scope.model': 'gpt-*-mini' }),
    );
    expect(input).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['hardStopPercent', 'limitUsd', 'name', 'period.billingDay', 'scope.model', 'thresholds']);
    expect(errors.limitUsd).toMatch(/dollar limit, a token limit, or both/);
    expect(errors['period.billingDay']).toBe('must be at most 28');
    expect(errors.thresholds).toMatch(/ascending/);
    expect(errors.hardStopPercent).toBe('must be at least 100');
  });

  it('checks numbers as numbers', () => {
    expect(validateBudgetForm(form({ limitUsd: 'ten' })).errors.limitUsd).toBe('must be a number');
    expect(validateBudgetForm(form({ limitUsd: '0' })).errors.limitUsd).toBe('must be more than 0');
    expect(validateBudgetForm(form({ limitUsd: '1,250.50' })).input?.limitUsd).toBe(1250.5);
    expect(validateBudgetForm(form({ limitUsd: '', limitTokens: '1.5' })).errors.limitTokens).toBe('must be a whole number');
    expect(validateBudgetForm(form({ limitUsd: '', limitTokens: '2000000' })).input).toMatchObject({ limitUsd: null, limitTokens: 2_000_000 });
  });

  it('keeps a daily cap below the limit, and on monthly budgets only', () => {
    expect(validateBudgetForm(form({ dailyGuardrailUsd: '70' })).errors.dailyGuardrailUsd).toMatch(/never act/);
    // Only monthly budgets carry one (as the engine says): other periods hide the field and leave it out.
    expect(validateBudgetForm(form({ 'period.kind': 'week', dailyGuardrailUsd: '5' })).input?.dailyGuardrailUsd).toBeNull();
  });

  it('asks for the rolling window length, and drops the fields of other period kinds', () => {
    expect(validateBudgetForm(form({ 'period.kind': 'rolling', 'period.days': '' })).errors['period.days']).toMatch(/length in days/);
    expect(validateBudgetForm(form({ 'period.kind': 'rolling', 'period.days': '7' })).input?.period).toEqual({ kind: 'rolling', days: 7 });
    expect(validateBudgetForm(form({ 'period.kind': 'week', 'period.weekStartsOn': '0' })).input?.period).toEqual({ kind: 'week', weekStartsOn: 0 });
    expect(validateBudgetForm(form({ 'period.kind': 'total' })).input?.period).toEqual({ kind: 'total' });
  });

  it('lets a run budget cap iterations without a money limit, but only for agent runs', () => {
    const run = validateBudgetForm(form({ limitUsd: '', 'scope.run': '*', 'runLimits.maxIterations': '40' }));
    expect(run.input).toMatchObject({ limitUsd: null, limitTokens: null, scope: { run: '*' }, runLimits: { maxIterations: 40 } });
    const noRun = validateBudgetForm(form({ 'runLimits.maxTokensPerIteration': '4000' }));
    expect(noRun.errors['runLimits.maxTokensPerIteration']).toMatch(/Agent run/);
  });

  it('starts new budgets from the default tiers in Settings', () => {
    expect(emptyBudgetForm({ thresholds: [25, 50, 90], hardStopPercent: null })).toMatchObject({ thresholds: '25, 50, 90', hardStop: false });
    expect(emptyBudgetForm({ thresholds: [50], hardStopPercent: 150 })).toMatchObject({ hardStop: true, hardStopPercent: '150' });
  });

  it('turns the hard stop off as null, and reads the degrade map', () => {
    expect(validateBudgetForm(form({ hardStop: false, hardStopPercent: 'nonsense' })).input?.hardStopPercent).toBeNull();
    const d = validateBudgetForm(form({ action: 'degrade', degradeTo: 'gpt-4o -> gpt-4o-mini\nclaude-opus-4-1 → claude-sonnet-4-5' }));
    expect(d.input?.degradeTo).toEqual({ 'gpt-4o': 'gpt-4o-mini', 'claude-opus-4-1': 'claude-sonnet-4-5' });
    expect(parseDegradeMap('gpt-4o gpt-4o-mini')).toEqual({ error: 'line 1: write "requested-model -> cheaper-model"' });
    expect(validateBudgetForm(form({ action: 'degrade', degradeTo: 'oops' })).errors.degradeTo).toMatch(/line 1/);
  });

  it('round-trips a stored budget through the form', () => {
    const b = budget({ scope: { project: 'web', run: '*' }, period: { kind: 'rolling', days: 14 }, thresholds: [25, 75], degradeTo: { a: 'b' }, action: 'degrade', runLimits: { maxIterations: 40 } });
    const { input } = validateBudgetForm(budgetToForm(b));
    expect(input).toMatchObject({ name: b.name, scope: { project: 'web', run: '*' }, period: { kind: 'rolling', days: 14 }, thresholds: [25, 75], degradeTo: { a: 'b' }, runLimits: { maxIterations: 40 } });
  });

  it('keeps a budget’s admission mode through the form, and sends none for a budget that has none', () => {
    expect(validateBudgetForm(budgetToForm(budget({ admission: 'strict' }))).input?.admission).toBe('strict');
    expect(validateBudgetForm(budgetToForm(budget({ admission: 'expected' }))).input?.admission).toBe('expected');
    expect(validateBudgetForm(budgetToForm(budget())).input).not.toHaveProperty('admission');
    expect(validateBudgetForm(form({})).input).not.toHaveProperty('admission');
  });

  it('prefills a suggestion as a monthly budget with its guardrail', () => {
    const f = suggestionToForm({
      scope: { keyId: 'k1' },
      label: 'Claude Code',
      days: 21,
      dailyAverageUsd: 2,
      dailyPeakUsd: 5,
      weeklyTrendPercent: null,
      suggestedMonthlyUsd: 72.004,
      suggestedDailyGuardrailUsd: 9.6,
      forecastMonthEndUsd: 60,
      text: '',
    });
    expect(f).toMatchObject({ name: 'Claude Code', 'scope.keyId': 'k1', 'period.kind': 'month', limitUsd: '72', dailyGuardrailUsd: '9.6' });
  });
});

describe('engine errors onto form fields', () => {
  it('maps field paths to the closest form field', () => {
    expect(formFieldFor('limitUsd')).toBe('limitUsd');
    expect(formFieldFor('period.billingDay')).toBe('period.billingDay');
    expect(formFieldFor('thresholds[1]')).toBe('thresholds');
    expect(formFieldFor('degradeTo.gpt-4o')).toBe('degradeTo');
    expect(formFieldFor('period')).toBe('period.kind');
    expect(formFieldFor('runLimits')).toBe('runLimits.maxIterations');
    expect(formFieldFor('budget.name')).toBe('name');
    expect(formFieldFor('id')).toBeNull();
    expect(formFieldFor(undefined)).toBeNull();
  });
});
