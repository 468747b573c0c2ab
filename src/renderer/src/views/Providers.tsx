import { useState, type FormEvent } from 'react';
import type { ProviderDto } from '../../../main/contract/api';
import type { CustomProviderSettings } from '../../../main/contract/settings';
import { errorText, messageForField, toApiError } from '../api/errors';
import { ConfirmButton } from '../components/ConfirmButton';
import { CopyButton } from '../components/CopyButton';
import { DataTable, type Column } from '../components/DataTable';
import { Field } from '../components/Field';
import { ErrorNote, Loading } from '../components/States';
import { useActions, useDash } from '../store/context';
import { UsagePolling } from './UsageConnections';

type Errors = Partial<Record<keyof CustomProviderSettings | 'form', string>>;

const blank = (): CustomProviderSettings => ({ id: '', name: '', baseUrl: '', pricingProviderId: null, free: false, authHeader: 'bearer', injectStreamUsage: true, defaultModel: null });

/** An OpenAI-compatible provider (OpenRouter, Groq, a local server…): it gets its own route, /custom/<id>. */
function CustomProviderForm({ initial, onDone }: { initial: CustomProviderSettings; onDone: () => void }) {
  const actions = useActions();
  const [v, setV] = useState(initial);
  const [errors, setErrors] = useState<Errors>({});
  const [saving, setSaving] = useState(false);
  const text = (k: 'id' | 'name' | 'baseUrl' | 'pricingProviderId' | 'defaultModel') => ({
    value: v[k] ?? '',
    onChange: (e: { target: { value: string } }) => {
      setV({ ...v, [k]: e.target.value });
      setErrors({ ...errors, [k]: undefined });
    },
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Errors = {};
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(v.id)) errs.id = 'Lowercase letters, digits and dashes, e.g. "openrouter".';
    if (!/^https?:\/\//.test(v.baseUrl)) errs.baseUrl = 'A URL such as https://openrouter.ai/api/v1';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setSaving(true);
    try {
      await actions.saveProvider({ ...v, name: v.name || v.id, pricingProviderId: v.pricingProviderId || null, defaultModel: v.defaultModel || null });
      onDone();
    } catch (err) {
      const a = toApiError(err);
      // The core names fields as "provider.baseUrl".
      const f = a.field?.replace(/^provider\./, '') as keyof CustomProviderSettings | undefined;
      setErrors(f && f in v ? { [f]: messageForField(a) } : { form: a.message });
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="custom-title">
      <h2 id="custom-title">{initial.id ? `Edit ${initial.name}` : 'Add an OpenAI-compatible provider'}</h2>
      {errors.form && (
        <div className="note note-error" role="alert">
          {errors.form}
        </div>
      )}
      <div className="grid">
        <Field label="Id" error={errors.id} hint="In its address: /custom/<id>">
          <input type="text" {...text('id')} disabled={Boolean(initial.id)} className="mono" />
        </Field>
        <Field label="Name" error={errors.name}>
          <input type="text" {...text('name')} />
        </Field>
        <Field label="Base URL" error={errors.baseUrl} wide>
          <input type="url" {...text('baseUrl')} placeholder="https://openrouter.ai/api/v1" className="mono" />
        </Field>
        <Field label="Prices from" error={errors.pricingProviderId} hint='A price-database provider id ("openrouter", "groq"…); empty: none'>
          <input type="text" {...text('pricingProviderId')} />
        </Field>
        <Field label="Default model" error={errors.defaultModel}>
          <input type="text" {...text('defaultModel')} className="mono" />
        </Field>
        <Field label="Key header" error={errors.authHeader}>
          <select value={v.authHeader} onChange={(e) => setV({ ...v, authHeader: e.target.value as 'bearer' | 'api-key' })}>
            <option value="bearer">Authorization: Bearer</option>
            <option value="api-key">api-key</option>
          </select>
        </Field>
        <div className="field">
          <label className="check">
            <input type="checkbox" checked={v.free} onChange={(e) => setV({ ...v, free: e.target.checked })} /> Free (a local model: cost $0)
          </label>
          <label className="check">
            <input type="checkbox" checked={v.injectStreamUsage} onChange={(e) => setV({ ...v, injectStreamUsage: e.target.checked })} /> Ask streams for usage
          </label>
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save provider'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function Providers() {
  const providers = useDash((s) => s.providers);
  const settings = useDash((s) => s.settings.data);
  const actions = useActions();
  const [editing, setEditing] = useState<CustomProviderSettings | null>(null);
  const [error, setError] = useState<string | null>(null);

  const columns: Column<ProviderDto>[] = [
    {
      id: 'name',
      label: 'Provider',
      width: '12rem',
      sortValue: (p) => p.name.toLowerCase(),
      render: (p) => (
        <span className="cell-key">
          <span className="cell-main">{p.name}</span>
          <span className="cell-sub">{p.builtin ? 'built in' : 'custom'}{p.free ? ' · free' : ''}</span>
        </span>
      ),
    },
    {
      id: 'proxy',
      label: 'Point tools at',
      width: 'auto',
      render: (p) => (
        <span className="url-cell">
          <code>{p.proxyUrl}</code> <CopyButton text={p.proxyUrl} className="small" />
        </span>
      ),
    },
    { id: 'upstream', label: 'Forwards to', width: '16rem', render: (p) => <code className="wrap">{p.baseUrl}</code> },
    { id: 'prices', label: 'Prices', width: '8rem', render: (p) => (p.free ? 'free' : (p.pricingProviderId ?? <span className="muted">none</span>)) },
    {
      id: 'actions',
      label: '',
      width: '11rem',
      render: (p) =>
        p.builtin ? null : (
          <span className="row-actions">
            <button type="button" onClick={() => setEditing(settings?.customProviders.find((c) => c.id === p.id) ?? null)}>
              Edit
            </button>
            <ConfirmButton label="Remove" confirmLabel="Really remove?" onConfirm={() => actions.deleteProvider(p.id).catch((e) => setError(errorText(e)))} />
          </span>
        ),
    },
  ];

  return (
    <div className="view">
      <div className="view-head">
        <h1>Providers</h1>
        {!editing && (
          <button type="button" className="primary" onClick={() => setEditing(blank())}>
            Add provider
          </button>
        )}
      </div>
      {editing && <CustomProviderForm key={editing.id || 'new'} initial={editing} onDone={() => setEditing(null)} />}
      {error && <ErrorNote>{error}</ErrorNote>}
      <section className="card" aria-label="Providers">
        {providers.data === null ? (
          providers.error ? (
            <ErrorNote onRetry={() => void actions.refreshProviders()}>{providers.error}</ErrorNote>
          ) : (
            <Loading />
          )
        ) : (
          <DataTable caption="Providers" rows={providers.data} columns={columns} rowKey={(p) => p.id} />
        )}
      </section>
      <UsagePolling />
    </div>
  );
}
