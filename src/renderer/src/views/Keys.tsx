import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { CreateKeyInput, KeyDto } from '../../../main/contract/keys';
import { errorText, messageForField, toApiError } from '../api/errors';
import { ConfirmButton } from '../components/ConfirmButton';
import { CodeBlock } from '../components/CopyButton';
import { DataTable, type Column } from '../components/DataTable';
import { Field } from '../components/Field';
import { Empty, ErrorNote, Loading } from '../components/States';
import { SetupSnippets } from '../components/Welcome';
import { dayKeyIn, monthStart } from '../../../shared/days';
import { formatCount, formatDateTime, formatRelative, DASH } from '../lib/format';
import { keyStatus } from '../lib/key-status';
import { Money } from '../components/Num';
import { useActions, useDash } from '../store/context';
import { zoneOf } from '../store/store';

type CreateErrors = Partial<Record<keyof CreateKeyInput | 'form', string>>;

function CreateKeyForm({ onCreated }: { onCreated: (r: { key: KeyDto; secret: string }) => void }) {
  const providers = useDash((s) => s.providers.data) ?? [];
  const actions = useActions();
  const [v, setV] = useState({ name: '', provider: 'openai', providerKey: '', project: '', owner: '' });
  const [errors, setErrors] = useState<CreateErrors>({});
  const [saving, setSaving] = useState(false);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => {
    setV((p) => ({ ...p, [k]: e.target.value }));
    setErrors((p) => ({ ...p, [k]: undefined }));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs: CreateErrors = {};
    if (!v.name.trim()) errs.name = 'Name it after the tool or person using it, e.g. "Claude Code".';
    if (!v.providerKey.trim()) errs.providerKey = "Paste the provider's own API key; Tollgate seals it and never shows it again.";
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setSaving(true);
    try {
      const r = await actions.createKey({ name: v.name.trim(), provider: v.provider, providerKey: v.providerKey.trim(), project: v.project.trim() || null, owner: v.owner.trim() || null });
      setV({ name: '', provider: v.provider, providerKey: '', project: '', owner: '' });
      onCreated(r);
    } catch (err) {
      const apiErr = toApiError(err);
      const f = apiErr.field as keyof CreateKeyInput | undefined;
      setErrors(f && f in v ? { [f]: messageForField(apiErr) } : { form: apiErr.message });
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="new-key-title">
      <h2 id="new-key-title">New Tollgate key</h2>
      <p className="hint">
        A Tollgate key stands in for a provider key: tools send it, Tollgate swaps in the real one. Revoke it any time without touching the provider's key.
      </p>
      {errors.form && (
        <div className="note note-error" role="alert">
          {errors.form}
        </div>
      )}
      <div className="grid">
        <Field label="Name" error={errors.name}>
          <input type="text" value={v.name} onChange={set('name')} autoComplete="off" />
        </Field>
        <Field label="Provider" error={errors.provider}>
          <select value={v.provider} onChange={set('provider')}>
            {providers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Provider API key" error={errors.providerKey} wide>
          <input type="password" value={v.providerKey} onChange={set('providerKey')} autoComplete="off" spellCheck={false} className="mono" />
        </Field>
        <Field label="Project" error={errors.project} hint="Optional, for grouping">
          <input type="text" value={v.project} onChange={set('project')} />
        </Field>
        <Field label="Owner" error={errors.owner} hint="Optional: who uses it">
          <input type="text" value={v.owner} onChange={set('owner')} />
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}

function CreatedKey({ created, onDone }: { created: { key: KeyDto; secret: string }; onDone: () => void }) {
  const providers = useDash((s) => s.providers.data) ?? [];
  const base = providers.find((p) => p.id === created.key.provider)?.proxyUrl;
  return (
    <section className="card created" aria-labelledby="created-title" role="region">
      <h2 id="created-title">“{created.key.name}” is ready</h2>
      <p className="note note-warn">Copy the key now: it is shown only this once. If you lose it, revoke it and create another.</p>
      <CodeBlock text={created.secret} label="The new Tollgate key" />
      {base && (
        <p>
          Base URL for {created.key.provider}: <code>{base}</code>
        </p>
      )}
      <SetupSnippets providers={providers} keyFor={{ secret: created.secret, provider: created.key.provider }} />
      <div className="actions">
        <button type="button" className="primary" onClick={onDone}>
          I've saved it
        </button>
      </div>
    </section>
  );
}

function EditKey({ k, onDone }: { k: KeyDto; onDone: () => void }) {
  const actions = useActions();
  const [v, setV] = useState({ name: k.name ?? '', project: k.project ?? '', owner: k.owner ?? '' });
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  return (
    <form
      className="inline-form"
      aria-label={`Edit ${k.name ?? k.label}`}
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await actions.updateKey({ id: k.id, name: v.name.trim(), project: v.project.trim() || null, owner: v.owner.trim() || null });
          onDone();
        } catch (err) {
          const a = toApiError(err);
          setError({ field: a.field, message: a.field ? messageForField(a) : a.message });
        }
      }}
    >
      <Field label="Name" error={error?.field === 'name' ? error.message : null}>
        <input type="text" value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} autoFocus />
      </Field>
      <Field label="Project" error={error?.field === 'project' ? error.message : null}>
        <input type="text" value={v.project} onChange={(e) => setV({ ...v, project: e.target.value })} />
      </Field>
      <Field label="Owner" error={error?.field === 'owner' ? error.message : null}>
        <input type="text" value={v.owner} onChange={(e) => setV({ ...v, owner: e.target.value })} />
      </Field>
      {error && !['name', 'project', 'owner'].includes(error.field ?? '') && <ErrorNote>{error.message}</ErrorNote>}
      <div className="actions">
        <button type="submit" className="primary">
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** A key seen in passthrough is only a fingerprint: a name is the one thing to set on it. */
function NamePassthrough({ k, onDone }: { k: KeyDto; onDone: () => void }) {
  const actions = useActions();
  const [name, setName] = useState(k.name ?? '');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="inline-form"
      aria-label={`Name ${k.label}`}
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await actions.updateKey({ id: k.id, name: name.trim() || null });
          onDone();
        } catch (err) {
          const a = toApiError(err);
          setError(a.field ? messageForField(a) : a.message);
        }
      }}
    >
      <Field label="Name" error={error} hint="Whose key or which tool, e.g. “Laptop scripts”. Leave empty to clear.">
        <input type="text" value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={100} />
      </Field>
      <div className="actions">
        <button type="submit" className="primary">
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

interface KeySpend {
  costUsd: number;
  requests: number;
}

/** This month's spend per key, fetched with the list: the Overview's month tables are not loaded on this view. */
function useMonthSpendByKey(listVersion: unknown): Map<string, KeySpend> | null {
  const actions = useActions();
  const tz = useDash(zoneOf);
  const today = useDash((s) => dayKeyIn(s.now, tz));
  const [spend, setSpend] = useState<Map<string, KeySpend> | null>(null);
  useEffect(() => {
    let live = true;
    actions.querySpend({ from: monthStart(today), to: today, groupBy: ['keyId'] }).then(
      (r) => live && setSpend(new Map(r.rows.map((row) => [row.keyId ?? '', { costUsd: row.costUsd, requests: row.requests }]))),
      // Spend is extra on this view: without it the column shows a dash, the keys stay usable.
      () => live && setSpend(new Map()),
    );
    return () => {
      live = false;
    };
  }, [actions, today, listVersion]);
  return spend;
}

export function Keys() {
  const keys = useDash((s) => s.keys);
  const providers = useDash((s) => s.providers.data);
  const now = useDash((s) => s.now);
  const tz = useDash(zoneOf);
  const actions = useActions();
  const [created, setCreated] = useState<{ key: KeyDto; secret: string } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const spend = useMonthSpendByKey(keys.data);

  // Last-used times move with traffic; the list is fetched fresh whenever the view opens.
  useEffect(() => {
    void actions.refreshKeys();
  }, [actions]);

  const wrapped = useMemo(() => (keys.data ?? []).filter((k) => k.kind === 'wrapped'), [keys.data]);
  const passthrough = useMemo(() => (keys.data ?? []).filter((k) => k.kind === 'passthrough'), [keys.data]);
  const spendColumn: Column<KeyDto> = {
    id: 'spend',
    label: 'This month',
    width: '7.5rem',
    numeric: true,
    sortValue: (k) => spend?.get(k.id)?.costUsd ?? 0,
    render: (k) => {
      const s = spend?.get(k.id);
      if (!spend) return <span className="muted">{DASH}</span>;
      return s ? (
        <span title={`${formatCount(s.requests)} ${s.requests === 1 ? 'request' : 'requests'} this month`}>
          <Money value={s.costUsd} precise />
        </span>
      ) : (
        <Money value={0} precise />
      );
    },
  };
  const statusColumn: Column<KeyDto> = {
    id: 'status',
    label: 'Status',
    width: '8.5rem',
    sortValue: (k) => keyStatus(k, now).state,
    render: (k) => {
      const st = keyStatus(k, now);
      return (
        <span className={`badge ${st.badge}`} title={k.revokedAt ? `${st.title} Revoked ${formatDateTime(k.revokedAt, tz)}.` : st.title}>
          {st.label}
        </span>
      );
    },
  };
  const seen = (ts: number | null) => (ts ? <span title={formatDateTime(ts, tz)}>{formatRelative(ts, now)}</span> : <span className="muted">never</span>);

  const wrappedColumns: Column<KeyDto>[] = [
    {
      id: 'name',
      label: 'Name',
      width: 'auto',
      sortValue: (k) => (k.name ?? '').toLowerCase(),
      render: (k) =>
        editing === k.id ? (
          <EditKey k={k} onDone={() => setEditing(null)} />
        ) : (
          <span className="cell-key">
            <span className="cell-main">{k.name}</span>
            <span className="cell-sub mono">
              {k.label} → {k.upstreamLabel ?? DASH}
            </span>
          </span>
        ),
    },
    { id: 'provider', label: 'Provider', width: '7rem', sortValue: (k) => k.provider, render: (k) => k.provider },
    { id: 'project', label: 'Project / owner', width: '10rem', sortValue: (k) => k.project ?? '', render: (k) => [k.project, k.owner].filter(Boolean).join(' · ') || <span className="muted">{DASH}</span> },
    { id: 'seen', label: 'Last used', width: '8rem', sortValue: (k) => k.lastSeenAt ?? 0, render: (k) => seen(k.lastSeenAt) },
    spendColumn,
    statusColumn,
    {
      id: 'actions',
      label: 'Actions',
      width: '12rem',
      render: (k) =>
        k.revokedAt ? (
          <span className="muted">revoked {formatRelative(k.revokedAt, now)}</span>
        ) : (
          <span className="row-actions">
            <button type="button" onClick={() => setEditing(k.id)} disabled={editing === k.id}>
              Edit
            </button>
            <ConfirmButton label="Revoke" confirmLabel="Revoke now?" onConfirm={() => actions.revokeKey(k.id).catch((e) => setError(errorText(e)))} />
          </span>
        ),
    },
  ];
  const passthroughColumns: Column<KeyDto>[] = [
    {
      id: 'label',
      label: 'Key',
      width: 'auto',
      sortValue: (k) => (k.name ?? k.label).toLowerCase(),
      render: (k) =>
        editing === k.id ? (
          <NamePassthrough k={k} onDone={() => setEditing(null)} />
        ) : (
          <span className="cell-key">
            <span className="cell-main">
              {k.name ?? <span className="mono">{k.label}</span>}{' '}
              <button type="button" className="link" onClick={() => setEditing(k.id)} aria-label={`${k.name ? 'Rename' : 'Name'} ${k.name ?? k.label}`}>
                {k.name ? 'rename' : 'name it'}
              </button>
            </span>
            {k.name && <span className="cell-sub mono">{k.label}</span>}
          </span>
        ),
    },
    { id: 'provider', label: 'Provider', width: '7rem', sortValue: (k) => k.provider, render: (k) => k.provider },
    { id: 'kind', label: 'Kind', width: '9rem', render: (k) => (k.subscription ? <span title="Dollars shown are API-equivalent">subscription</span> : 'API key') },
    { id: 'first', label: 'First seen', width: '8rem', sortValue: (k) => k.createdAt ?? 0, render: (k) => seen(k.createdAt) },
    { id: 'seen', label: 'Last seen', width: '8rem', sortValue: (k) => k.lastSeenAt ?? 0, render: (k) => seen(k.lastSeenAt) },
    spendColumn,
    statusColumn,
  ];

  return (
    <div className="view">
      <div className="view-head">
        <h1>Keys</h1>
      </div>
      {created ? <CreatedKey created={created} onDone={() => setCreated(null)} /> : <CreateKeyForm onCreated={setCreated} />}
      {error && <ErrorNote>{error}</ErrorNote>}
      {keys.error && <ErrorNote onRetry={() => void actions.refreshKeys()}>Keys could not be loaded: {keys.error}</ErrorNote>}

      <section className="card" aria-labelledby="wrapped-title">
        <h2 id="wrapped-title">Tollgate keys</h2>
        {keys.data === null ? (
          <Loading />
        ) : (
          <DataTable caption="Tollgate keys" rows={wrapped} columns={wrappedColumns} rowKey={(k) => k.id} initialSort={{ id: 'name', desc: false }} empty="None yet: create one above." rowClass={(k) => (k.revokedAt ? 'revoked' : undefined)} />
        )}
      </section>

      <section className="card" aria-labelledby="passthrough-title">
        <h2 id="passthrough-title">Keys seen in passthrough</h2>
        <p className="hint">Provider keys sent straight through Tollgate, known by a fingerprint: Tollgate never stores them.</p>
        {keys.data === null ? (
          <Loading />
        ) : passthrough.length === 0 ? (
          <Empty title="None seen yet." />
        ) : (
          <DataTable caption="Keys seen in passthrough" rows={passthrough} columns={passthroughColumns} rowKey={(k) => k.id} initialSort={{ id: 'seen', desc: true }} />
        )}
      </section>

      <section className="card" aria-labelledby="setup-title">
        <h2 id="setup-title">Setup</h2>
        {providers ? <SetupSnippets providers={providers} /> : <Loading lines={2} />}
      </section>
    </div>
  );
}
