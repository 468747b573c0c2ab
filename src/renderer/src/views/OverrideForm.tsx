import { useState, type FormEvent } from 'react';
import type { BudgetStatus } from '../../../main/contract/budgets';
import { messageForField, toApiError } from '../api/errors';
import { Field } from '../components/Field';
import { useActions } from '../store/context';

type Errors = Partial<Record<'amount' | 'minutes' | 'reason' | 'form', string>>;

/** Raise a budget's limit for a while: by dollars or percent, with an end and a reason (both go to the audit log). */
export function OverrideForm({ s, onDone }: { s: BudgetStatus; onDone: () => void }) {
  const actions = useActions();
  const [unit, setUnit] = useState<'usd' | 'percent'>(s.budget.limitUsd !== null ? 'usd' : 'percent');
  const [amount, setAmount] = useState('');
  const [minutes, setMinutes] = useState('120');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [saving, setSaving] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Errors = {};
    const a = Number(amount.replace(/^\$/, ''));
    if (!amount.trim() || !Number.isFinite(a) || a <= 0) errs.amount = unit === 'usd' ? 'Say how many dollars to add.' : 'Say what percentage to add.';
    const m = Number(minutes);
    if (!Number.isInteger(m) || m < 1 || m > 60 * 24 * 31) errs.minutes = 'Between 1 minute and 31 days (44640 minutes).';
    if (!reason.trim()) errs.reason = 'Say why: it goes into the audit log.';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setSaving(true);
    try {
      await actions.addOverride({ budgetId: s.budget.id, ...(unit === 'usd' ? { addUsd: a } : { addPercent: a }), minutes: m, reason: reason.trim() });
      onDone();
    } catch (err) {
      const apiErr = toApiError(err);
      const f = apiErr.field;
      const key = f === 'addUsd' || f === 'addPercent' ? 'amount' : f === 'minutes' || f === 'expiresAt' ? 'minutes' : f === 'reason' ? 'reason' : 'form';
      setErrors({ [key]: key === 'form' ? apiErr.message : messageForField(apiErr) });
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="override-form" onSubmit={submit} noValidate aria-label={`Raise ${s.budget.name} temporarily`}>
      {errors.form && (
        <div className="note note-error" role="alert">
          {errors.form}
        </div>
      )}
      <div className="grid">
        <Field label={unit === 'usd' ? 'Add, $' : 'Add, %'} error={errors.amount}>
          <input type="text" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} autoFocus />
        </Field>
        <Field label="As">
          <select value={unit} onChange={(e) => setUnit(e.target.value as 'usd' | 'percent')}>
            <option value="usd">dollars</option>
            <option value="percent">percent of the limit</option>
          </select>
        </Field>
        <Field label="For, minutes" error={errors.minutes}>
          <input type="text" inputMode="numeric" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
        </Field>
        <Field label="Reason" error={errors.reason} wide>
          <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. release day" />
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Raising…' : 'Raise the limit'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
