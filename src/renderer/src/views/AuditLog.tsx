import { useEffect, useMemo, useState } from 'react';
import type { AuditEntry } from '../../../main/contract/budgets';
import { DataTable, type Column } from '../components/DataTable';
import { Field } from '../components/Field';
import { Loading, Note } from '../components/States';
import { AUDIT_KIND_LABELS, groupAudit, type AuditGroup } from '../lib/audit-groups';
import { formatDateTime, formatTime } from '../lib/format';
import { useActions, useDash } from '../store/context';
import { zoneOf } from '../store/store';

const KINDS = Object.keys(AUDIT_KIND_LABELS) as AuditEntry['kind'][];

/** The audit log, with identical neighbours collapsed into one row with a count, and a filter by kind (done by the core). */
export function AuditLog() {
  const audit = useDash((s) => s.audit);
  const tz = useDash(zoneOf);
  const actions = useActions();
  const [kind, setKind] = useState('');

  useEffect(() => {
    void actions.refreshAudit(kind || undefined);
  }, [actions, kind]);

  const groups = useMemo(() => groupAudit(audit.data ?? []), [audit.data]);
  const columns = useMemo<Column<AuditGroup>[]>(
    () => [
      {
        id: 'at',
        label: 'When',
        width: '11rem',
        render: (g) => (
          <span className="num" title={g.count > 1 ? `from ${formatDateTime(g.firstAt, tz)} to ${formatDateTime(g.entry.at, tz)}` : undefined}>
            {formatDateTime(g.entry.at, tz)}
            {g.count > 1 && g.firstAt < g.entry.at && <span className="muted"> (since {formatTime(g.firstAt, tz)})</span>}
          </span>
        ),
      },
      { id: 'kind', label: 'What', width: '9rem', render: (g) => <span className="badge badge-muted">{AUDIT_KIND_LABELS[g.entry.kind] ?? g.entry.kind}</span> },
      {
        id: 'message',
        label: 'Details',
        width: 'auto',
        render: (g) => (
          <>
            {g.entry.message}
            {g.count > 1 && <span className="badge badge-muted count">×{g.count}</span>}
          </>
        ),
      },
    ],
    [tz],
  );

  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <p className="hint">Blocks, downgrades, cut-offs, overrides and changes to budgets and settings. Identical entries in a row are shown once, with a count.</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the audit log">
        <Field label="Entry kind">
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">Everything</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {AUDIT_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </Field>
      </form>
      {audit.data === null && audit.error === null && <Loading lines={2} />}
      {audit.error && audit.data === null && <Note>The audit log is not available: {audit.error}</Note>}
      {audit.data && (
        <DataTable
          caption="Audit log"
          rows={groups}
          columns={columns}
          rowKey={(g) => g.entry.id}
          pageSize={50}
          empty={kind ? `No ${AUDIT_KIND_LABELS[kind as AuditEntry['kind']] ?? kind} entries.` : 'Nothing yet.'}
        />
      )}
    </section>
  );
}
