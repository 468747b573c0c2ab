import { useMemo, useState } from 'react';
import type { HistorySearchInput } from '../../../main/contract/api';
import type { RequestRecord } from '../../../main/contract/usage';
import { DataTable, type Column } from '../components/DataTable';
import { Field } from '../components/Field';
import { Flags } from '../components/Flags';
import { Money, TokenPair } from '../components/Num';
import { ErrorNote } from '../components/States';
import { formatDateTime } from '../lib/format';
import { keyIndex, keyName } from '../lib/key-names';
import { useActions, useDash, useTransportKind } from '../store/context';
import { zoneOf } from '../store/store';

interface Form {
  from: string;
  to: string;
  project: string;
  user: string;
  run: string;
  minCost: string;
  status: string;
  sort: 'time' | 'cost';
}

const EMPTY: Form = { from: '', to: '', project: '', user: '', run: '', minCost: '', status: '', sort: 'time' };

/** Day inputs are local days: the range runs from the start of `from` to the end of `to`. */
function toQuery(f: Form): HistorySearchInput {
  const q: HistorySearchInput = { sort: f.sort, limit: 100 };
  if (f.from) q.from = new Date(`${f.from}T00:00:00`).getTime();
  if (f.to) q.to = new Date(`${f.to}T00:00:00`).getTime() + 86_400_000;
  if (f.project.trim()) q.project = f.project.trim();
  if (f.user.trim()) q.user = f.user.trim();
  if (f.run.trim()) q.run = f.run.trim();
  if (f.minCost && Number.isFinite(Number(f.minCost))) q.minCostUsd = Number(f.minCost);
  if (f.status && Number.isInteger(Number(f.status))) q.status = Number(f.status);
  return q;
}

/**
 * Every request of the retention period, searched in the history database: "which run burned $40 overnight",
 * "the ten dearest calls this month". Results come a page at a time. The range can be exported: the browser
 * dashboard downloads it from the streamed HTTP export, the app saves it to a file it asks for (history.saveExport).
 */
export function HistorySearch() {
  const actions = useActions();
  const transport = useTransportKind();
  const keys = useDash((s) => s.keys.data);
  const tz = useDash(zoneOf);
  const keyMap = useMemo(() => keyIndex(keys), [keys]);
  const [form, setForm] = useState<Form>(EMPTY);
  const [rows, setRows] = useState<RequestRecord[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  const search = async (more: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const page = await actions.searchHistory({ ...toQuery(form), ...(more && next ? { cursor: next } : {}) });
      setRows(more && rows ? [...rows, ...page.records] : page.records);
      setNext(page.next);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const columns = useMemo<Column<RequestRecord>[]>(
    () => [
      { id: 'time', label: 'Time', width: '10rem', render: (r) => <span className="num">{formatDateTime(r.ts, tz)}</span> },
      { id: 'key', label: 'Key', width: '10rem', render: (r) => <span className="ellipsis">{keyName(keyMap, r.keyId)}</span> },
      { id: 'model', label: 'Model', width: 'auto', render: (r) => <span className="ellipsis mono">{r.model}</span> },
      { id: 'project', label: 'Project / run', width: '10rem', render: (r) => <span className="ellipsis">{[r.project, r.run].filter(Boolean).join(' / ') || '—'}</span> },
      { id: 'tokens', label: 'Tokens in / out', width: '9.5rem', numeric: true, render: (r) => <TokenPair input={r.usage.inputTokens} output={r.usage.outputTokens} /> },
      { id: 'cost', label: 'Cost', width: '6.5rem', numeric: true, render: (r) => (r.costUsd === null ? <span className="muted">unpriced</span> : <Money value={r.costUsd} precise />) },
      { id: 'status', label: 'Status', width: '9rem', render: (r) => <span title={r.note}><span className="num status-code">{r.status || '—'}</span> <Flags flags={r.flags} /></span> },
    ],
    [keyMap, tz],
  );

  const save = async (format: 'csv' | 'jsonl') => {
    setSaved(null);
    try {
      const { from, to } = toQuery(form);
      const r = await actions.saveHistoryExport({ format, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
      if (r.file) setSaved(`Saved ${r.rows.toLocaleString('en-US')} requests to ${r.file}.`);
    } catch (err) {
      setSaved(`Could not save: ${(err as Error).message}`);
    }
  };

  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const q = toQuery(form);
  const exportHref = (format: 'csv' | 'jsonl') =>
    `/api/history/export?format=${format}${q.from !== undefined ? `&from=${q.from}` : ''}${q.to !== undefined ? `&to=${q.to}` : ''}`;
  return (
    <section className="card" aria-label="Search the request history">
      <h2>Search the history</h2>
      <form
        className="filters"
        aria-label="Search the request history"
        onSubmit={(e) => {
          e.preventDefault();
          void search(false);
        }}
      >
        <Field label="From"><input type="date" value={form.from} onChange={(e) => set({ from: e.target.value })} /></Field>
        <Field label="To"><input type="date" value={form.to} onChange={(e) => set({ to: e.target.value })} /></Field>
        <Field label="Project"><input value={form.project} onChange={(e) => set({ project: e.target.value })} /></Field>
        <Field label="User"><input value={form.user} onChange={(e) => set({ user: e.target.value })} /></Field>
        <Field label="Run"><input value={form.run} onChange={(e) => set({ run: e.target.value })} /></Field>
        <Field label="Min cost ($)"><input inputMode="decimal" value={form.minCost} onChange={(e) => set({ minCost: e.target.value })} /></Field>
        <Field label="Status"><input inputMode="numeric" value={form.status} onChange={(e) => set({ status: e.target.value })} /></Field>
        <Field label="Order">
          <select value={form.sort} onChange={(e) => set({ sort: e.target.value as Form['sort'] })}>
            <option value="time">Newest first</option>
            <option value="cost">Dearest first</option>
          </select>
        </Field>
        <button type="submit" disabled={busy}>Search</button>
      </form>
      {error && <ErrorNote onRetry={() => void search(false)}>The history could not be searched: {error}</ErrorNote>}
      {rows && (
        <>
          <DataTable caption="Requests in the history" rows={rows} columns={columns} rowKey={(r) => r.id} pageSize={rows.length || 100} empty="No request in the history matches." />
          {next && <button type="button" disabled={busy} onClick={() => void search(true)}>More</button>}
        </>
      )}
      {transport !== 'http' && (
        <p className="hint">
          Save this range, streamed from the database:{' '}
          <button type="button" className="link" onClick={() => void save('csv')}>CSV…</button> ·{' '}
          <button type="button" className="link" onClick={() => void save('jsonl')}>JSON Lines…</button>
          {saved && <span role="status"> {saved}</span>}
        </p>
      )}
      {transport === 'http' && (
        <p className="hint">
          Download this range, streamed from the database: <a href={exportHref('csv')}>CSV</a> · <a href={exportHref('jsonl')}>JSON Lines</a>
        </p>
      )}
    </section>
  );
}
