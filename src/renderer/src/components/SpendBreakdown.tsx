import { useEffect, useId, useMemo, useState } from 'react';
import type { SpendRowDto } from '../../../main/contract/api';
import type { RequestRecord } from '../../../main/contract/usage';
import { errorText } from '../api/errors';
import { DIM_WORDS, dailyBreakdown, hourlyBreakdown, type BreakdownDim, type BreakdownRow } from '../lib/breakdown';
import { dayKeyIn, monthStart } from '../../../shared/days';
import { formatCount, formatDay } from '../lib/format';
import { useActions, useDash } from '../store/context';
import { zoneOf } from '../store/store';
import { DataTable, type Column } from './DataTable';
import { Money, TokenPair } from './Num';
import { SpendChart } from './SpendChart';
import { Empty, ErrorNote, Loading, Note } from './States';
import { Toggle } from './Toggle';

const DIMS = (['project', 'user', 'run'] as const).map((id) => ({ id, label: DIM_WORDS[id].label }));
const SPANS = [
  { id: 'month', label: 'This month, by day' },
  { id: 'today', label: 'Today, by hour' },
] as const;
/** Requests read for today's hours: the most the core lists at once. */
const TODAY_LIMIT = 10_000;

type Span = (typeof SPANS)[number]['id'];
type Loaded = { span: 'month'; rows: SpendRowDto[] } | { span: 'today'; records: RequestRecord[] };

/**
 * Spend by project, by user or by agent run: a stacked chart and a table, for this month per day (the ledger's
 * rollups) or for today per hour (today's requests). Reloaded each minute and whenever the choice changes.
 */
export function SpendBreakdown() {
  const actions = useActions();
  const tz = useDash(zoneOf);
  const now = useDash((s) => s.now);
  const headingId = useId();
  const [dim, setDim] = useState<BreakdownDim>('project');
  const [span, setSpan] = useState<Span>('month');
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const today = dayKeyIn(now, tz);
  const minute = Math.floor(now / 60_000);

  useEffect(() => {
    let live = true;
    const load: Promise<Loaded> =
      span === 'month'
        ? actions.querySpend({ from: monthStart(today), to: today, groupBy: ['day', dim] }).then((r) => ({ span, rows: r.rows }))
        : actions.queryRecent({ limit: TODAY_LIMIT }).then((records) => ({ span, records }));
    load.then(
      (l) => live && (setLoaded(l), setError(null)),
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [actions, dim, span, today, minute]);

  const view = useMemo(() => {
    if (!loaded || loaded.span !== span) return null;
    return loaded.span === 'month' ? dailyBreakdown(loaded.rows, dim, monthStart(today), today) : hourlyBreakdown(loaded.records, dim, today, tz);
  }, [loaded, span, dim, today, tz]);

  // Requests are kept in full only up to Settings → recentLimit, so the hours may not reach back to midnight:
  // today's rollups know how many there were, and the chart says when it shows fewer rather than pass as whole.
  const todayCells = useDash((s) => s.spend.data?.byModel.get(today));
  const todayTotal = useMemo(() => [...(todayCells?.values() ?? [])].reduce((a, c) => a + c.requests, 0), [todayCells]);
  const shown = view && span === 'today' ? view.rows.reduce((a, r) => a + r.requests, 0) : 0;
  const partial = span === 'today' && view !== null && todayTotal > shown;
  const words = DIM_WORDS[dim];
  const columns = useMemo<Column<BreakdownRow>[]>(
    () => [
      { id: 'id', label: words.label, width: 'auto', sortValue: (r) => r.id, render: (r) => (r.id === '' ? <span className="muted">{words.none}</span> : <span className="cell-main mono">{r.id}</span>) },
      { id: 'cost', label: 'Spend', width: '8rem', numeric: true, sortValue: (r) => r.costUsd, render: (r) => <Money value={r.costUsd} precise /> },
      { id: 'requests', label: 'Requests', width: '6rem', numeric: true, sortValue: (r) => r.requests, render: (r) => <span className="num">{formatCount(r.requests)}</span> },
      { id: 'tokens', label: 'Tokens in / out', width: '10rem', numeric: true, sortValue: (r) => r.inputTokens + r.outputTokens, render: (r) => <TokenPair input={r.inputTokens} output={r.outputTokens} /> },
    ],
    [words],
  );

  const title = `Spend by ${words.label.toLowerCase()}`;
  return (
    <section className="card spend-breakdown" aria-labelledby={headingId}>
      <div className="card-head">
        <h2 id={headingId}>{title}</h2>
        <div className="toggles">
          <Toggle label="Group spend by" options={DIMS} value={dim} onChange={setDim} />
          <Toggle label="Period" options={SPANS} value={span} onChange={setSpan} />
        </div>
      </div>
      {error && <ErrorNote>Spend could not be loaded: {error}</ErrorNote>}
      {view === null ? (
        !error && <Loading lines={1} label="Loading the breakdown…" />
      ) : (
        <>
          {view.series.length === 0 ? (
            <div className="chart chart-empty">
              <Empty title={span === 'today' ? 'No priced spend today yet.' : 'No priced spend this month yet.'} />
            </div>
          ) : (
            <SpendChart
              series={view.series}
              data={view.data}
              xKey="x"
              xFormat={span === 'today' ? (x) => x : formatDay}
              label={`${span === 'today' ? 'Hourly' : 'Daily'} spend by ${words.label.toLowerCase()}`}
              otherSeries={words.other}
            />
          )}
          {partial && (
            <Note tone="warn">
              The hours show {formatCount(shown)} of today's {formatCount(todayTotal)} requests: only the most recent are kept in full (Settings → Recent requests kept).
            </Note>
          )}
          <DataTable caption={title} rows={view.rows} columns={columns} rowKey={(r) => r.id} initialSort={{ id: 'cost', desc: true }} empty={span === 'today' ? 'No requests today.' : 'No requests this month.'} />
        </>
      )}
    </section>
  );
}
