import { useMemo, useState } from 'react';
import type { RecentQuery } from '../../../main/contract/api';
import type { RequestFlag, RequestRecord } from '../../../main/contract/usage';
import { DataTable, type Column } from '../components/DataTable';
import { Field } from '../components/Field';
import { Flags } from '../components/Flags';
import { RequestDetail } from '../components/RequestDetail';
import { Money, TokenPair } from '../components/Num';
import { RangeSpend } from '../components/RangeSpend';
import { ErrorNote, Loading } from '../components/States';
import { formatDateTime, formatDuration, formatTime } from '../lib/format';
import { keyIndex, keyName } from '../lib/key-names';
import { useActions, useDash } from '../store/context';
import { zoneOf } from '../store/store';
import { AlertHistory } from './AlertHistory';
import { AuditLog } from './AuditLog';
import { HistorySearch } from './HistorySearch';

const FLAGS: RequestFlag[] = ['blocked', 'degraded', 'cut-off', 'partial', 'unpriced', 'error', 'estimated', 'clamped', 'subscription', 'implausible-usage', 'truncated'];

export function Activity() {
  const recent = useDash((s) => s.recent);
  const filter = useDash((s) => s.recentFilter);
  const keys = useDash((s) => s.keys.data);
  const providers = useDash((s) => s.providers.data);
  const spend = useDash((s) => s.spend.data);
  const connection = useDash((s) => s.connection);
  const recentLimit = useDash((s) => s.settings.data?.recentLimit);
  const tz = useDash(zoneOf);
  const actions = useActions();
  const [openId, setOpenId] = useState<string | null>(null);

  const keyMap = useMemo(() => keyIndex(keys), [keys]);
  const models = useMemo(() => {
    const m = new Set<string>();
    for (const day of spend?.byModel.values() ?? []) for (const id of day.keys()) m.add(id);
    for (const r of recent.data ?? []) m.add(r.model);
    return [...m].sort();
  }, [spend?.byModel, recent.data]);

  const setFilter = (patch: Partial<RecentQuery>) => {
    const next: RecentQuery = { ...filter, ...patch };
    for (const k of Object.keys(next) as (keyof RecentQuery)[]) if (next[k] === '' || next[k] === undefined) delete next[k];
    void actions.loadRecent(next);
  };

  const columns = useMemo<Column<RequestRecord>[]>(
    () => [
      {
        id: 'time',
        label: 'Time',
        width: '6.5rem',
        render: (r) => (
          <button type="button" className="link num" title={`${formatDateTime(r.ts, tz)}: show details`} aria-label={`Details of the request at ${formatTime(r.ts, tz)}`} onClick={() => setOpenId(r.id)}>
            {formatTime(r.ts, tz)}
          </button>
        ),
      },
      { id: 'key', label: 'Key', width: '11rem', render: (r) => <span className="ellipsis" title={r.keyLabel}>{keyName(keyMap, r.keyId)}</span> },
      {
        id: 'model',
        label: 'Model',
        width: 'auto',
        render: (r) => (
          <span className="ellipsis mono" title={r.responseModel && r.responseModel !== r.model ? `answered by ${r.responseModel}` : undefined}>
            {r.model}
          </span>
        ),
      },
      {
        id: 'tokens',
        label: 'Tokens in / out',
        width: '9.5rem',
        numeric: true,
        render: (r) => (
<TokenPair input={r.usage.inputTokens} output={r.usage.outputTokens} />
        ),
      },
      { id: 'cost', label: 'Cost', width: '6.5rem', numeric: true, render: (r) => (r.costUsd === null ? <span className="muted">unpriced</span> : <Money value={r.costUsd} precise />) },
      { id: 'latency', label: 'Latency', width: '5.5rem', numeric: true, render: (r) => <span className="num">{formatDuration(r.durationMs)}</span> },
      {
        id: 'status',
        label: 'Status',
        width: '12rem',
        render: (r) => (
          <span title={r.note}>
            <span className="num status-code">{r.status || '—'}</span> <Flags flags={r.flags} />
          </span>
        ),
      },
    ],
    [keyMap, tz],
  );

  const open = openId ? (recent.data ?? []).find((r) => r.id === openId) : undefined;
  const live = connection === 'live' ? 'live' : connection === 'polling' ? 'refreshing every few seconds' : connection;
  return (
    <div className="view">
      <div className="view-head">
        <h1>Activity</h1>
        <span className={`live-dot live-${connection}`}>{live}</span>
      </div>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter requests">
        <Field label="Key">
          <select value={filter.keyId ?? ''} onChange={(e) => setFilter({ keyId: e.target.value })}>
            <option value="">All keys</option>
            {(keys ?? []).map((k) => (
              <option key={k.id} value={k.id}>
                {k.name ?? k.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Model">
          <select value={filter.model ?? ''} onChange={(e) => setFilter({ model: e.target.value })}>
            <option value="">All models</option>
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Provider">
          <select value={filter.provider ?? ''} onChange={(e) => setFilter({ provider: e.target.value })}>
            <option value="">All providers</option>
            {(providers ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Marked">
          <select value={filter.flag ?? ''} onChange={(e) => setFilter({ flag: e.target.value })}>
            <option value="">Anything</option>
            {FLAGS.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </Field>
      </form>
      <p className="hint">
        The latest {recentLimit ?? 'few hundred'} requests are kept in full (Settings → recent requests kept); totals in the overview count every request.
      </p>
      {recent.error && <ErrorNote onRetry={() => void actions.loadRecent(filter)}>Requests could not be loaded: {recent.error}</ErrorNote>}
      <section className="card activity" aria-label="Recent requests">
        {recent.data === null ? (
          <Loading lines={6} />
        ) : (
          <DataTable
            caption="Recent requests"
            rows={recent.data}
            columns={columns}
            rowKey={(r) => r.id}
            pageSize={200}
            empty={Object.keys(filter).length ? 'No recent request matches these filters.' : 'No requests yet: point a tool at Tollgate (see Keys → Setup).'}
            rowClass={(r) => (r.flags.includes('blocked') || r.flags.includes('cut-off') ? 'row-bad' : r.flags.includes('degraded') || r.flags.includes('partial') ? 'row-warn' : undefined)}
          />
        )}
      </section>

      {open && <RequestDetail r={open} keyName={keyName(keyMap, open.keyId)} tz={tz} onClose={() => setOpenId(null)} />}
      <HistorySearch />
      <RangeSpend title="Totals and export for a range" />
      <AlertHistory />
      <AuditLog />
    </div>
  );
}
