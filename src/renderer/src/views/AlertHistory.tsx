import { useEffect, useMemo, useState } from 'react';
import type { AlertKind, BudgetAlert } from '../../../main/contract/budgets';
import { DataTable, type Column } from '../components/DataTable';
import { Field } from '../components/Field';
import { ErrorNote, Loading } from '../components/States';
import { ALERT_KIND_LABELS, ALERT_PERIODS, alertChoices, filterAlerts, NO_ALERT_FILTER, type AlertFilter, type AlertPeriod } from '../lib/alert-history';
import { formatDateTime } from '../lib/format';
import { href } from '../lib/route';
import { useActions, useDash } from '../store/context';
import { zoneOf } from '../store/store';

const CRITICAL: ReadonlySet<AlertKind> = new Set(['hard-stop', 'guardrail']);
const isCritical = (a: BudgetAlert) => CRITICAL.has(a.kind) || (a.kind === 'threshold' && (a.tier ?? 0) >= 100);

/**
 * Every budget alert the core keeps (alerts.recent, the latest 200), whether or not its desktop notification was
 * folded into a summary: the place a notification's "N more budget alerts" points to.
 */
export function AlertHistory() {
  const alerts = useDash((s) => s.alerts);
  const now = useDash((s) => s.now);
  const tz = useDash(zoneOf);
  const actions = useActions();
  const [filter, setFilter] = useState<AlertFilter>(NO_ALERT_FILTER);

  useEffect(() => {
    void actions.refreshAlerts();
  }, [actions]);

  const list = alerts.data;
  const choices = useMemo(() => alertChoices(list ?? []), [list]);
  const rows = useMemo(() => filterAlerts(list ?? [], filter, now), [list, filter, now]);
  const set = (patch: Partial<AlertFilter>) => setFilter((f) => ({ ...f, ...patch }));

  const columns = useMemo<Column<BudgetAlert>[]>(
    () => [
      { id: 'at', label: 'When', width: '9rem', sortValue: (a) => a.at, render: (a) => <span className="num">{formatDateTime(a.at, tz)}</span> },
      {
        id: 'kind',
        label: 'Kind',
        width: '9rem',
        render: (a) => <span className={`badge ${isCritical(a) ? 'badge-bad' : a.kind === 'threshold' ? 'badge-warn' : 'badge-muted'}`}>{ALERT_KIND_LABELS[a.kind] ?? a.kind}</span>,
      },
      { id: 'tier', label: 'Tier', width: '4.5rem', numeric: true, render: (a) => <span className="num">{a.tier === null ? '—' : `${a.tier}%`}</span> },
      {
        id: 'budget',
        label: 'Budget',
        width: '11rem',
        render: (a) =>
          a.budgetId ? (
            <a className="ellipsis" href={href('budgets', a.budgetId)} title={a.budgetName}>
              {a.budgetName}
            </a>
          ) : (
            <span className="ellipsis">{a.budgetName}</span>
          ),
      },
      {
        id: 'what',
        label: 'What happened',
        width: 'auto',
        render: (a) => (
          <>
            <strong>{a.title}</strong> <span className="muted">{a.body}</span>
          </>
        ),
      },
    ],
    [tz],
  );

  const filtered = filter !== NO_ALERT_FILTER && JSON.stringify(filter) !== JSON.stringify(NO_ALERT_FILTER);
  return (
    <section className="card" aria-labelledby="alert-history-title">
      <h2 id="alert-history-title">Alert history</h2>
      <p className="hint">Threshold crossings, hard stops, guardrails and expiring overrides: the latest 200, including those folded in a desktop summary.</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter alerts">
        <Field label="Budget">
          <select value={filter.budgetId} onChange={(e) => set({ budgetId: e.target.value })}>
            <option value="">All budgets</option>
            {choices.budgets.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Alert kind">
          <select value={filter.kind} onChange={(e) => set({ kind: e.target.value as AlertKind | '' })}>
            <option value="">All kinds</option>
            {choices.kinds.map((k) => (
              <option key={k} value={k}>
                {ALERT_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Tier">
          <select value={filter.tier} onChange={(e) => set({ tier: e.target.value })}>
            <option value="">Any tier</option>
            {choices.tiers.map((t) => (
              <option key={t} value={String(t)}>
                {t}%
              </option>
            ))}
          </select>
        </Field>
        <Field label="When">
          <select value={filter.period} onChange={(e) => set({ period: e.target.value as AlertPeriod })}>
            {ALERT_PERIODS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </Field>
      </form>
      {alerts.error && list === null && <ErrorNote onRetry={() => void actions.refreshAlerts()}>Alerts could not be loaded: {alerts.error}</ErrorNote>}
      {list === null && alerts.error === null && <Loading lines={2} />}
      {list && (
        <DataTable
          caption="Alert history"
          rows={rows}
          columns={columns}
          rowKey={(a) => a.id}
          pageSize={25}
          empty={filtered ? 'No alert matches these filters.' : 'No alerts yet: they appear when a budget crosses a threshold.'}
          rowClass={(a) => (isCritical(a) ? 'row-bad' : undefined)}
        />
      )}
    </section>
  );
}
