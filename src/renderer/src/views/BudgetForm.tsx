import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ProviderDto, TeamStatusDto } from '../../../main/contract/api';
import type { BudgetInput, PeriodKind } from '../../../main/contract/budgets';
import type { KeyDto } from '../../../main/contract/keys';
import { messageForField, toApiError } from '../api/errors';
import { Field } from '../components/Field';

/**
 * Every period kind the engine accepts (the contract's PERIOD_KINDS), worded for the form. The renderer takes only
 * types from the contract; the Record over PeriodKind makes a kind added there a type error here until it has words.
 */
const PERIOD_LABELS: Record<PeriodKind, string> = {
  day: 'Day',
  week: 'Week',
  month: 'Month',
  rolling: 'Rolling window',
  total: 'Total (never resets)',
};
import { formFieldFor, validateBudgetForm, type BudgetField, type BudgetFormValues, type FormErrors } from '../lib/budget-form';
import { FAIL_MODE_WORDS, teamDefault, type FailModeChoice } from '../lib/fail-mode';

interface Props {
  initial: BudgetFormValues;
  editing: boolean;
  keys: readonly KeyDto[];
  providers: readonly ProviderDto[];
  /**
   * Team mode only: the team's status (for its defaults) and the budget's fail mode now. The mode is not part of
   * the budget (the team keeps it beside the definitions), so it is handed to onSave on its own.
   */
  team?: { status: TeamStatusDto; failMode: FailModeChoice } | null;
  onSave: (input: BudgetInput, failMode?: FailModeChoice) => Promise<unknown>;
  onCancel: () => void;
}

/** Create or edit a budget. Mistakes are named on their field: first by the same rules as the engine, then by the engine itself. */
export function BudgetForm({ initial, editing, keys, providers, team, onSave, onCancel }: Props) {
  const [v, setV] = useState<BudgetFormValues>(initial);
  const [failMode, setFailMode] = useState<FailModeChoice>(team?.failMode ?? 'default');
  const [errors, setErrors] = useState<FormErrors>({});
  const [saving, setSaving] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (attempt === 0) return;
    // Take the keyboard to the first field that needs attention.
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [attempt]);

  const set = <K extends BudgetField>(k: K, value: BudgetFormValues[K]) => {
    setV((prev) => ({ ...prev, [k]: value }));
    if (errors[k]) setErrors((prev) => ({ ...prev, [k]: undefined }));
  };
  const text = (k: BudgetField) => ({
    value: String(v[k]),
    onChange: (e: { target: { value: string } }) => set(k, e.target.value as never),
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = validateBudgetForm(v);
    if (!r.input) {
      setErrors(r.errors);
      setAttempt((a) => a + 1);
      return;
    }
    setSaving(true);
    setErrors({});
    try {
      await (team ? onSave(r.input, failMode) : onSave(r.input));
    } catch (err) {
      const apiErr = toApiError(err);
      const field = formFieldFor(apiErr.field);
      setErrors(field ? { [field]: messageForField(apiErr) } : { form: apiErr.message });
      setAttempt((a) => a + 1);
    } finally {
      setSaving(false);
    }
  }

  const kind = v['period.kind'];
  const usable = keys.filter((k) => !k.revokedAt);
  return (
    <form ref={formRef} className="card form budget-form" onSubmit={submit} noValidate aria-labelledby="budget-form-title">
      <h2 id="budget-form-title">{editing ? `Edit “${initial.name}”` : 'New budget'}</h2>
      {errors.form && (
        <div className="note note-error" role="alert">
          {errors.form}
        </div>
      )}
      <div className="grid">
        <Field label="Name" error={errors.name} wide>
          <input type="text" autoComplete="off" {...text('name')} autoFocus />
        </Field>

        <fieldset className="group field-wide">
          <legend>What it covers (all that you set must match; nothing set means all traffic)</legend>
          <div className="grid">
            <Field label="Provider" error={errors['scope.provider']}>
              <select {...text('scope.provider')}>
                <option value="">Any provider</option>
                {providers.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Key" error={errors['scope.keyId']}>
              <select {...text('scope.keyId')}>
                <option value="">Any key</option>
                {usable.map((k) => (
                  <option key={k.id} value={k.id}>
                    {k.name ?? k.label} ({k.kind === 'wrapped' ? k.provider : 'passthrough'})
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Project" error={errors['scope.project']}>
              <input type="text" {...text('scope.project')} placeholder="any" />
            </Field>
            <Field label="Team" error={errors['scope.team']} hint="A team's id from the Teams view">
              <input type="text" {...text('scope.team')} placeholder="any" />
            </Field>
            <Field label="Model" error={errors['scope.model']} hint='Exact, or a prefix ending in "*": claude-opus-*'>
              <input type="text" {...text('scope.model')} placeholder="any" className="mono" />
            </Field>
            <Field label="User" error={errors['scope.user']}>
              <input type="text" {...text('scope.user')} placeholder="any" />
            </Field>
            <Field label="Agent run" error={errors['scope.run']} hint='"*" gives every run (x-tollgate-run) its own counter'>
              <input type="text" {...text('scope.run')} placeholder="none" />
            </Field>
          </div>
        </fieldset>

        <Field label="Period" error={errors['period.kind']}>
          <select {...text('period.kind')}>
            {(Object.keys(PERIOD_LABELS) as PeriodKind[]).map((k) => (
              <option key={k} value={k}>
                {PERIOD_LABELS[k]}
              </option>
            ))}
          </select>
        </Field>
        {kind === 'month' && (
          <Field label="Starts on day" error={errors['period.billingDay']} hint="Of the month, 1–28 (your billing day)">
            <input type="text" inputMode="numeric" {...text('period.billingDay')} />
          </Field>
        )}
        {kind === 'rolling' && (
          <Field label="Window, days" error={errors['period.days']}>
            <input type="text" inputMode="numeric" {...text('period.days')} />
          </Field>
        )}
        {kind === 'week' && (
          <Field label="Week starts on" error={errors['period.weekStartsOn']}>
            <select {...text('period.weekStartsOn')}>
              <option value="1">Monday</option>
              <option value="0">Sunday</option>
            </select>
          </Field>
        )}

        <Field label="Limit, $" error={errors.limitUsd}>
          <input type="text" inputMode="decimal" {...text('limitUsd')} placeholder="e.g. 60" />
        </Field>
        <Field label="Limit, tokens" error={errors.limitTokens} hint="Optional; either limit, or both">
          <input type="text" inputMode="numeric" {...text('limitTokens')} placeholder="none" />
        </Field>
        <Field label="Notify at, %" error={errors.thresholds} hint="Empty: the default tiers from Settings">
          <input type="text" {...text('thresholds')} />
        </Field>
        {kind === 'month' && (
          <Field label="Daily cap, $" error={errors.dailyGuardrailUsd} hint="Guardrail: about 10–15% of a monthly limit">
            <input type="text" inputMode="decimal" {...text('dailyGuardrailUsd')} placeholder="none" />
          </Field>
        )}

        <fieldset className="group field-wide">
          <legend>Past the limit</legend>
          <div className="grid">
            <div className="field">
              <label className="check">
                <input type="checkbox" checked={v.hardStop} onChange={(e) => set('hardStop', e.target.checked)} /> Hard stop
              </label>
              <div className="hint">Off: warn only, never stop.</div>
            </div>
            {v.hardStop && (
              <Field label="Stop at, %" error={errors.hardStopPercent} hint="100 or more; default 120">
                <input type="text" inputMode="decimal" {...text('hardStopPercent')} />
              </Field>
            )}
            {v.hardStop && (
              <Field label="Then" error={errors.action}>
                <select {...text('action')}>
                  <option value="block">Block requests</option>
                  <option value="degrade">Send them to a cheaper model</option>
                </select>
              </Field>
            )}
            {v.hardStop && (
              <Field label="Streams hold" error={errors.admission} hint="While in flight. Calls that are not streamed always hold their worst case." wide>
                <select value={v.admission === 'strict' ? 'strict' : 'expected'} onChange={(e) => set('admission', e.target.value as 'strict' | 'expected')}>
                  <option value="expected">What such calls usually produce; ended at the stop if they run past it</option>
                  <option value="strict">Their worst case, their whole output limit (strict)</option>
                </select>
              </Field>
            )}
            {team && (
              <Field
                label="While the team link is down"
                hint={`The team default follows the hard stop: with one, this budget ${FAIL_MODE_WORDS[team.status.defaultFailModes.hardStop]}; without, it ${FAIL_MODE_WORDS[team.status.defaultFailModes.noHardStop]}.`}
                wide
              >
                <select value={failMode} onChange={(e) => setFailMode(e.target.value as FailModeChoice)}>
                  <option value="default">Team default: {FAIL_MODE_WORDS[teamDefault(team.status, v.hardStop)]}</option>
                  <option value="closed">Block calls (closed)</option>
                  <option value="open">Go on against this machine's counters (open)</option>
                  <option value="local">Do not share this budget: each machine counts it alone (local)</option>
                </select>
              </Field>
            )}
            {v.hardStop && v.action === 'degrade' && (
              <Field label="Cheaper models" error={errors.degradeTo} hint='One per line: "gpt-4o -> gpt-4o-mini". Empty: the map in Settings.' wide>
                <textarea rows={3} className="mono" {...text('degradeTo')} />
              </Field>
            )}
          </div>
        </fieldset>

        <details className="field-wide">
          <summary>More</summary>
          <div className="grid">
            <Field label="Counts" error={errors.counts}>
              <select {...text('counts')}>
                <option value="max">The larger of Tollgate's and the provider's figures</option>
                <option value="observed">What passed through Tollgate</option>
                <option value="reported">What the provider reports</option>
              </select>
            </Field>
            <Field label="Sources" error={errors.sources}>
              <select {...text('sources')}>
                <option value="proxy+logs+telemetry">Proxied calls, coding-tool logs and telemetry</option>
                <option value="proxy+logs">Proxied calls and coding-tool logs</option>
                <option value="proxy">Only calls through Tollgate</option>
              </select>
            </Field>
            <Field label="Requests per run" error={errors['runLimits.maxIterations']}>
              <input type="text" inputMode="numeric" {...text('runLimits.maxIterations')} placeholder="no limit" />
            </Field>
            <Field label="Output tokens per request" error={errors['runLimits.maxTokensPerIteration']}>
              <input type="text" inputMode="numeric" {...text('runLimits.maxTokensPerIteration')} placeholder="no limit" />
            </Field>
            <div className="field">
              <label className="check">
                <input type="checkbox" checked={v.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Enabled
              </label>
            </div>
          </div>
        </details>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : editing ? 'Save changes' : 'Create budget'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
