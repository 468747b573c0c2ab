import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { ReconciliationResult, ReconciliationRow, TestConnectionResult, UsageConnectionDto } from '../../../main/contract/api';
import { errorText, messageForField, toApiError } from '../api/errors';
import { ConfirmButton } from '../components/ConfirmButton';
import { DataTable, type Column } from '../components/DataTable';
import { Field } from '../components/Field';
import { Money } from '../components/Num';
import { Empty, ErrorNote, Loading } from '../components/States';
import { addDays, dayKeyIn } from '../../../shared/days';
import { formatDateTime, formatRelative } from '../lib/format';
import { useActions, useDash } from '../store/context';
import { zoneOf } from '../store/store';

const STATE_TONE: Record<UsageConnectionDto['state'], string> = { ok: 'badge-state-ok', pending: 'badge-muted', retrying: 'badge-warn', rejected: 'badge-bad', disabled: 'badge-muted' };
const STATE_WORDS: Record<UsageConnectionDto['state'], string> = { ok: 'polling', pending: 'not polled yet', retrying: 'retrying', rejected: 'key rejected', disabled: 'off' };

type Fields = 'provider' | 'name' | 'adminKey' | 'intervalMinutes' | 'baseUrl';
type Errors = Partial<Record<Fields | 'form', string>>;

/** Add or change an admin-key connection; "Test" answers in words before anything is saved. */
function ConnectionForm({ editing, onDone }: { editing: UsageConnectionDto | null; onDone: () => void }) {
  const actions = useActions();
  const sources = useDash((s) => s.usageSources.data) ?? [];
  const [v, setV] = useState({
    provider: editing?.provider ?? '',
    name: editing?.name ?? '',
    adminKey: '',
    intervalMinutes: String(editing?.intervalMinutes ?? 5),
    baseUrl: editing?.baseUrlOverride ?? '',
    enabled: editing?.enabled ?? true,
  });
  const [errors, setErrors] = useState<Errors>({});
  const [test, setTest] = useState<TestConnectionResult | null>(null);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const provider = v.provider || sources[0]?.id || '';
  const source = sources.find((s) => s.id === provider);
  const set = (k: Fields) => (e: { target: { value: string } }) => {
    setV({ ...v, [k]: e.target.value });
    setErrors({ ...errors, [k]: undefined });
    setTest(null);
  };
  const fail = (err: unknown) => {
    const a = toApiError(err);
    const f = a.field as Fields | undefined;
    setErrors(f && ['provider', 'name', 'adminKey', 'intervalMinutes', 'baseUrl'].includes(f) ? { [f]: messageForField(a) } : { form: a.message });
  };

  async function runTest() {
    if (!editing && !v.adminKey.trim()) return setErrors({ adminKey: `Paste ${source?.keyHint ?? 'the admin key'} to test it.` });
    setBusy('test');
    setTest(null);
    try {
      setTest(
        await actions.testConnection(
          v.adminKey.trim() ? { provider, adminKey: v.adminKey.trim(), baseUrl: v.baseUrl.trim() || null } : { id: editing!.id },
        ),
      );
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const minutes = Number(v.intervalMinutes);
    if (!Number.isFinite(minutes) || minutes < 1) return setErrors({ intervalMinutes: 'At least 1: Tollgate polls a provider at most once a minute.' });
    setBusy('save');
    try {
      await actions.saveConnection({
        ...(editing ? { id: editing.id } : {}),
        provider,
        name: v.name.trim() || undefined,
        ...(v.adminKey.trim() ? { adminKey: v.adminKey.trim() } : {}),
        intervalMinutes: minutes,
        baseUrl: v.baseUrl.trim() || null,
        enabled: v.enabled,
      });
      onDone();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="conn-form-title">
      <h3 id="conn-form-title">{editing ? `Change “${editing.name}”` : 'Connect a provider’s usage'}</h3>
      {errors.form && <ErrorNote>{errors.form}</ErrorNote>}
      <div className="grid">
        <Field label="Provider" error={errors.provider}>
          <select value={provider} onChange={set('provider')} disabled={Boolean(editing)}>
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name" error={errors.name} hint="Optional, e.g. the organization">
          <input type="text" value={v.name} onChange={set('name')} />
        </Field>
        <Field label={editing ? 'New admin key' : 'Admin key'} error={errors.adminKey} hint={editing ? 'Leave empty to keep the stored key' : source ? `Paste ${source.keyHint}` : undefined} wide>
          <input type="password" className="mono" autoComplete="off" spellCheck={false} value={v.adminKey} onChange={set('adminKey')} />
        </Field>
        <Field label="Poll every, minutes" error={errors.intervalMinutes}>
          <input type="text" inputMode="numeric" value={v.intervalMinutes} onChange={set('intervalMinutes')} />
        </Field>
        <Field label="API base URL" error={errors.baseUrl} hint={source ? `Empty: ${source.defaultBaseUrl} (or ${source.baseUrlEnv})` : undefined}>
          <input type="url" className="mono" value={v.baseUrl} onChange={set('baseUrl')} />
        </Field>
        <div className="field">
          <label className="check">
            <input type="checkbox" checked={v.enabled} onChange={(e) => setV({ ...v, enabled: e.target.checked })} /> Poll
          </label>
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy !== null}>
          {busy === 'save' ? 'Saving…' : editing ? 'Save' : 'Connect'}
        </button>
        <button type="button" disabled={busy !== null} onClick={() => void runTest()}>
          {busy === 'test' ? 'Testing…' : 'Test the key'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <div aria-live="polite">{test && <div className={`note ${test.ok ? 'note-info' : 'note-error'}`}>{test.message}</div>}</div>
    </form>
  );
}

function Connections() {
  const connections = useDash((s) => s.usageConnections);
  const now = useDash((s) => s.now);
  const tz = useDash(zoneOf);
  const actions = useActions();
  const [editing, setEditing] = useState<UsageConnectionDto | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [polling, setPolling] = useState<string | null>(null);

  useEffect(() => {
    void actions.refreshUsageSources();
  }, [actions]);

  const when = (ts: number | null, never: string) => (ts ? <span title={formatDateTime(ts, tz)}>{formatRelative(ts, now)}</span> : <span className="muted">{never}</span>);
  const columns: Column<UsageConnectionDto>[] = [
    {
      id: 'name',
      label: 'Connection',
      width: 'auto',
      sortValue: (c) => c.name.toLowerCase(),
      render: (c) => (
        <span className="cell-key">
          <span className="cell-main">{c.name}</span>
          <span className="cell-sub mono">
            {c.providerName} · {c.keyLabel}
          </span>
        </span>
      ),
    },
    {
      id: 'state',
      label: 'Status',
      width: '18rem',
      render: (c) => (
        <span className="cell-key" title={c.lastError ?? undefined}>
          <span>
            <span className={`badge ${STATE_TONE[c.state]}`}>{STATE_WORDS[c.state]}</span>
          </span>
          <span className="cell-sub">{c.status}</span>
        </span>
      ),
    },
    { id: 'asof', label: 'As of', width: '7.5rem', sortValue: (c) => c.asOf ?? 0, render: (c) => when(c.asOf, 'no data yet') },
    { id: 'next', label: 'Next poll', width: '7.5rem', render: (c) => (c.enabled ? when(c.nextPollAt, '—') : <span className="muted">off</span>) },
    {
      id: 'actions',
      label: '',
      width: '19.5rem',
      render: (c) => (
        <span className="row-actions">
          <button
            type="button"
            disabled={polling !== null}
            onClick={async () => {
              setPolling(c.id);
              setError(null);
              try {
                await actions.pollNow(c.id);
              } catch (e) {
                setError(errorText(e));
              } finally {
                setPolling(null);
              }
            }}
          >
            {polling === c.id ? 'Polling…' : 'Poll now'}
          </button>
          <button type="button" onClick={() => setEditing(c)}>
            Change
          </button>
          <ConfirmButton label="Remove" confirmLabel="Remove it?" onConfirm={() => actions.deleteConnection(c.id).catch((e) => setError(errorText(e)))} />
        </span>
      ),
    },
  ];

  return (
    <section className="card" aria-labelledby="conn-title">
      <div className="card-head">
        <h2 id="conn-title">Provider usage</h2>
        {!editing && (
          <button type="button" onClick={() => setEditing('new')}>
            Connect a provider
          </button>
        )}
      </div>
      <p className="hint">
        With an admin key, Tollgate polls the provider's usage reports and counts spend that never passed through it: a teammate's script, a CI job, another machine.
      </p>
      {editing && <ConnectionForm key={editing === 'new' ? 'new' : editing.id} editing={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      {error && <ErrorNote>{error}</ErrorNote>}
      {connections.data === null ? (
        connections.error ? (
          <ErrorNote onRetry={() => void actions.refreshUsage()}>{connections.error}</ErrorNote>
        ) : (
          <Loading lines={2} />
        )
      ) : connections.data.length === 0 ? (
        !editing && <Empty title="No provider connected." />
      ) : (
        <DataTable caption="Usage connections" rows={connections.data} columns={columns} rowKey={(c) => c.id} />
      )}
    </section>
  );
}

function Reconciliation() {
  const actions = useActions();
  const connections = useDash((s) => s.usageConnections.data);
  const tz = useDash(zoneOf);
  const now = useDash((s) => s.now);
  const today = dayKeyIn(now, tz);
  const [range, setRange] = useState({ from: addDays(today, -6), to: today });
  const [result, setResult] = useState<ReconciliationResult | null>(null);
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const connected = (connections?.length ?? 0) > 0;
  // Reload when polls bring new figures (the store's own reconciliation changes with them).
  const updated = useDash((s) => s.reconciliation.data);

  useEffect(() => {
    if (!connected) return;
    let live = true;
    actions.loadReconciliation(range).then(
      (r) => live && (setResult(r), setError(null)),
      (e) => {
        const a = toApiError(e);
        if (live) setError({ field: a.field, message: a.field ? messageForField(a) : a.message });
      },
    );
    return () => {
      live = false;
    };
  }, [actions, range, connected, updated]);

  const columns = useMemo<Column<ReconciliationRow>[]>(
    () => [
      { id: 'day', label: 'Day', width: '7.5rem', sortValue: (r) => r.day, render: (r) => <span className="num">{r.day}</span> },
      { id: 'key', label: 'Key', width: 'auto', sortValue: (r) => r.keyName ?? r.keyId, render: (r) => <span className="ellipsis" title={r.keyId}>{r.keyName ?? r.keyId}</span> },
      { id: 'model', label: 'Model', width: '11rem', sortValue: (r) => r.model ?? '', render: (r) => <span className="ellipsis mono">{r.model ?? 'all models'}</span> },
      { id: 'observed', label: 'Through Tollgate', width: '9.5rem', numeric: true, sortValue: (r) => r.observedUsd, render: (r) => <Money value={r.observedUsd} precise /> },
      { id: 'reported', label: 'Reported', width: '7rem', numeric: true, sortValue: (r) => r.reportedUsd ?? -1, render: (r) => (r.reportedUsd === null ? <span className="muted">not yet</span> : <Money value={r.reportedUsd} precise />) },
      {
        id: 'unseen',
        label: 'Not seen',
        width: '7rem',
        numeric: true,
        sortValue: (r) => r.unseenUsd,
        render: (r) => (r.unseenUsd > 0 ? <Money value={r.unseenUsd} precise className="unseen" /> : <span className="muted">—</span>),
      },
      { id: 'asof', label: 'As of', width: '8.5rem', render: (r) => (r.asOf ? <span className="num">{formatDateTime(r.asOf, tz)}</span> : <span className="muted">—</span>) },
    ],
    [tz],
  );

  if (!connected) return null;
  return (
    <section className="card" aria-labelledby="recon-title">
      <h2 id="recon-title">Reconciliation: Tollgate vs the providers</h2>
      <div className="grid">
        <Field label="From" error={error?.field === 'from' ? error.message : null}>
          <input type="date" value={range.from} onChange={(e) => setRange({ ...range, from: e.target.value })} />
        </Field>
        <Field label="To" error={error?.field === 'to' ? error.message : null}>
          <input type="date" value={range.to} onChange={(e) => setRange({ ...range, to: e.target.value })} />
        </Field>
      </div>
      {error && !error.field && <ErrorNote>{error.message}</ErrorNote>}
      {result === null ? (
        <Loading lines={3} />
      ) : (
        <>
          <p>{result.summary}</p>
          <DataTable
            caption="Reconciliation"
            rows={result.rows}
            columns={columns}
            rowKey={(r) => `${r.day}|${r.provider}|${r.keyId}|${r.model ?? ''}`}
            initialSort={{ id: 'unseen', desc: true }}
            rowClass={(r) => (r.unseenUsd > 0 ? 'row-warn' : undefined)}
            empty="No spend in this range, seen or reported."
          />
        </>
      )}
    </section>
  );
}

export function UsagePolling() {
  return (
    <>
      <Connections />
      <Reconciliation />
    </>
  );
}
