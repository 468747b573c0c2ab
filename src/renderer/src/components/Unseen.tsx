import { useMemo } from 'react';
import type { ReconciliationResult } from '../../../main/contract/api';
import { formatDateTime } from '../lib/format';
import { href } from '../lib/route';
import { DataTable, type Column } from './DataTable';
import { Money } from './Num';

interface UnseenRow {
  id: string;
  key: string;
  model: string | null;
  observedUsd: number;
  reportedUsd: number;
  unseenUsd: number;
  /** The oldest "as of" among the days summed: the figure is at least that fresh. */
  asOf: number | null;
}

/** Sums the month's reconciliation per key and model, keeping what the providers reported beyond Tollgate's own. */
export function unseenByKeyAndModel(r: ReconciliationResult): UnseenRow[] {
  const m = new Map<string, UnseenRow>();
  for (const row of r.rows) {
    if (row.reportedUsd === null) continue;
    const id = `${row.provider}|${row.keyId}|${row.model ?? ''}`;
    let u = m.get(id);
    if (!u) m.set(id, (u = { id, key: row.keyName ?? row.keyId, model: row.model, observedUsd: 0, reportedUsd: 0, unseenUsd: 0, asOf: row.asOf }));
    u.observedUsd += row.observedUsd;
    u.reportedUsd += row.reportedUsd;
    u.unseenUsd += row.unseenUsd;
    if (row.asOf !== null && (u.asOf === null || row.asOf < u.asOf)) u.asOf = row.asOf;
  }
  return [...m.values()].filter((u) => u.unseenUsd > 0);
}

/** Provider-reported spend that never passed through Tollgate this month, marked as such. */
export function Unseen({ r, tz }: { r: ReconciliationResult; tz: string }) {
  const rows = useMemo(() => unseenByKeyAndModel(r), [r]);
  const columns = useMemo<Column<UnseenRow>[]>(
    () => [
      {
        id: 'key',
        label: 'Key',
        width: 'auto',
        sortValue: (u) => u.key,
        render: (u) => (
          <span className="cell-key">
            <span className="cell-main">
              {u.key} <span className="badge badge-warn">not through Tollgate</span>
            </span>
            <span className="cell-sub mono">{u.model ?? 'all models'}</span>
          </span>
        ),
      },
      { id: 'reported', label: 'Reported', width: '7.5rem', numeric: true, sortValue: (u) => u.reportedUsd, render: (u) => <Money value={u.reportedUsd} precise /> },
      { id: 'observed', label: 'Through Tollgate', width: '9.5rem', numeric: true, sortValue: (u) => u.observedUsd, render: (u) => <Money value={u.observedUsd} precise /> },
      { id: 'unseen', label: 'Not seen', width: '7.5rem', numeric: true, sortValue: (u) => u.unseenUsd, render: (u) => <Money value={u.unseenUsd} precise className="unseen" /> },
      { id: 'asof', label: 'As of', width: '8.5rem', render: (u) => (u.asOf ? <span className="num">{formatDateTime(u.asOf, tz)}</span> : '—') },
    ],
    [tz],
  );
  return (
    <section className="card" aria-labelledby="ov-unseen">
      <div className="card-head">
        <h2 id="ov-unseen">Spend Tollgate didn't see</h2>
        <a href={href('providers')}>Connections</a>
      </div>
      <p>{r.summary}</p>
      {rows.length > 0 && <DataTable caption="Reported spend Tollgate did not see" rows={rows} columns={columns} rowKey={(u) => u.id} initialSort={{ id: 'unseen', desc: true }} />}
    </section>
  );
}
