import { useMemo } from 'react';
import type { KeyDto } from '../../../main/contract/keys';
import { BudgetForecasts } from '../components/BudgetForecasts';
import { CacheSavingsStat } from '../components/CacheSavingsStat';
import { DataTable, type Column } from '../components/DataTable';
import { Meter } from '../components/Meter';
import { Money, TokenPair } from '../components/Num';
import { RangeSpend } from '../components/RangeSpend';
import { SpendBreakdown } from '../components/SpendBreakdown';
import { SpendChart } from '../components/SpendChart';
import { Empty, ErrorNote, Loading, Note } from '../components/States';
import { Unseen } from '../components/Unseen';
import { Welcome } from '../components/Welcome';
import { dayFraction, dayKeyIn, monthEnd, monthStart } from '../../../shared/days';
import { formatCount, formatDateTime, formatDay } from '../lib/format';
import { keyIndex, keyName } from '../lib/key-names';
import { href } from '../lib/route';
import { useActions, useDash } from '../store/context';
import { firstUseAt, forecastBasis, forecastWords } from '../../../shared/forecast';
import { dailyByModel, summarize, totalOf, type SummaryRow } from '../store/spend';
import { zoneOf } from '../store/store';

function summaryColumns(first: Column<SummaryRow>): Column<SummaryRow>[] {
  return [
    first,
    { id: 'today', label: 'Today', width: '7.5rem', numeric: true, sortValue: (r) => r.today.costUsd, render: (r) => <Money value={r.today.costUsd} precise /> },
    { id: 'period', label: 'This month', width: '8.5rem', numeric: true, sortValue: (r) => r.period.costUsd, render: (r) => <Money value={r.period.costUsd} precise /> },
    { id: 'forecast', label: 'Forecast', width: '7.5rem', numeric: true, sortValue: (r) => r.forecastUsd, render: (r) => <Money value={r.forecastUsd} /> },
    { id: 'requests', label: 'Requests', width: '6rem', numeric: true, sortValue: (r) => r.period.requests, render: (r) => <span className="num">{formatCount(r.period.requests)}</span> },
    {
      id: 'tokens',
      label: 'Tokens in / out',
      width: '10rem',
      numeric: true,
      sortValue: (r) => r.period.inputTokens + r.period.outputTokens,
      render: (r) => (
<TokenPair input={r.period.inputTokens} output={r.period.outputTokens} />
      ),
    },
  ];
}

function unpricedNote(r: SummaryRow) {
  return r.period.unpriced > 0 ? (
    <span className="badge badge-muted" title="Calls to models without a known price: their tokens count, their dollars do not">
      {r.period.unpriced} unpriced
    </span>
  ) : null;
}

function KeyCell({ k, id, name }: { k: KeyDto | undefined; id: string; name: string }) {
  return (
    <span className="cell-key">
      <span className="cell-main">{name}</span>
      <span className="cell-sub">{k ? `${k.kind === 'wrapped' ? 'Tollgate key' : 'passthrough'} · ${k.provider}${k.project ? ` · ${k.project}` : ''}` : id}</span>
    </span>
  );
}

export function Overview() {
  const status = useDash((s) => s.status);
  const spend = useDash((s) => s.spend);
  const keys = useDash((s) => s.keys.data);
  const providers = useDash((s) => s.providers.data);
  const budgets = useDash((s) => s.budgets);
  const alerts = useDash((s) => s.alerts.data);
  const recentCount = useDash((s) => s.recent.data?.length ?? null);
  const now = useDash((s) => s.now);
  const tz = useDash(zoneOf);
  const connected = useDash((s) => (s.usageConnections.data?.length ?? 0) > 0);
  const reconciliation = useDash((s) => s.reconciliation.data);
  const actions = useActions();

  const today = dayKeyIn(now, tz);
  const minute = Math.floor(dayFraction(now, tz) * 1440);
  const win = useMemo(() => ({ today, periodFrom: monthStart(today), periodTo: monthEnd(today), todayElapsed: minute / 1440 }), [today, minute]);
  const data = spend.data;
  const byKey = data?.byKey;
  const byModel = data?.byModel;
  // One basis for both tables: byModel and byKey hold the same days.
  const basis = useMemo(() => (byModel ? forecastBasis(byModel, win) : null), [byModel, win]);
  const keyRows = useMemo(() => (byKey && basis ? summarize(byKey, win, basis) : []), [byKey, win, basis]);
  const modelRows = useMemo(() => (byModel && basis ? summarize(byModel, win, basis) : []), [byModel, win, basis]);
  const forecast = basis ? forecastWords(basis, win.periodTo, formatDay) : null;
  const chart = useMemo(() => (byModel ? dailyByModel(byModel, win.periodFrom, win.periodTo) : null), [byModel, win]);
  const totals = useMemo(() => totalOf(modelRows), [modelRows]);
  const keyMap = useMemo(() => keyIndex(keys), [keys]);

  const keyColumns = useMemo(
    () =>
      summaryColumns({
        id: 'key',
        label: 'Key',
        width: 'auto',
        sortValue: (r) => keyName(keyMap, r.id).toLowerCase(),
        render: (r) => (
          <>
            <KeyCell k={keyMap.get(r.id)} id={r.id} name={keyName(keyMap, r.id)} /> {unpricedNote(r)}
          </>
        ),
      }),
    [keyMap],
  );
  const modelColumns = useMemo(
    () =>
      summaryColumns({
        id: 'model',
        label: 'Model',
        width: 'auto',
        sortValue: (r) => r.id,
        render: (r) => (
          <>
            <span className="cell-main mono">{r.id}</span> {unpricedNote(r)}
          </>
        ),
      }),
    [],
  );

  if (status.error && !status.data) return <ErrorNote onRetry={() => void actions.refreshAll()}>{status.error}</ErrorNote>;

  const firstRun = keys !== null && keys.length === 0 && recentCount === 0 && data !== null && totals.period.requests === 0;
  const budgetList = budgets.data ?? [];

  return (
    <div className="view overview">
      <section className="cards" aria-label="Totals">
        <div className="stat">
          <div className="stat-label">Today</div>
          <div className="stat-value">{data ? <Money value={totals.today.costUsd} precise /> : <span className="skeleton-text" />}</div>
          <div className="stat-sub num">{data ? `${formatCount(totals.today.requests)} requests` : '\u00a0'}</div>
        </div>
        <div className="stat">
          <div className="stat-label">This month</div>
          <div className="stat-value">{data ? <Money value={totals.period.costUsd} precise /> : <span className="skeleton-text" />}</div>
          <div className="stat-sub num">{data ? `since ${formatDay(win.periodFrom)}` : '\u00a0'}</div>
        </div>
        <div className="stat">
          <div className="stat-label">
            Forecast{' '}
            {forecast?.lowConfidence && (
              <span className="badge badge-warn" title="Fewer than three whole days of data: the rate since first use may be far from a typical day's">
                low confidence
              </span>
            )}
          </div>
          <div className="stat-value">
            {data ? (
              <>
                {forecast?.lowConfidence && <span aria-hidden="true">≈ </span>}
                <Money value={totals.forecastUsd} precise />
              </>
            ) : (
              <span className="skeleton-text" />
            )}
          </div>
          <div className="stat-sub">{forecast?.text ?? '\u00a0'}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Unpriced calls</div>
          <div className="stat-value num">{data ? formatCount(totals.period.unpriced) : <span className="skeleton-text" />}</div>
          <div className="stat-sub">this month, tokens counted</div>
        </div>
        <CacheSavingsStat from={win.periodFrom} to={win.today} minute={Math.floor(now / 60_000)} />
      </section>
      {spend.error && <ErrorNote onRetry={() => void actions.refreshSpend()}>Spend could not be loaded: {spend.error}</ErrorNote>}

      {firstRun && providers && <Welcome providers={providers} />}

      <section className="card" aria-labelledby="ov-budgets">
        <div className="card-head">
          <h2 id="ov-budgets">Budgets</h2>
          <a href={href('budgets')}>Manage</a>
        </div>
        {budgets.data === null && budgets.error === null && <Loading lines={2} />}
        {budgets.error && budgets.data === null && <Note>Budgets are not available: {budgets.error}</Note>}
        {budgets.data !== null && budgetList.length === 0 && (
          <Empty title="No budgets yet.">
            <p>
              A budget warns at 50%, 80% and 100% and can stop requests past its limit. <a href={href('budgets', 'new')}>Create one</a>.
            </p>
          </Empty>
        )}
        <div className="meters">
          {budgetList.map((b) => (
            <Meter key={`${b.budget.id}:${b.run ?? ''}`} s={b} now={now} tz={tz} />
          ))}
        </div>
        {basis && <BudgetForecasts list={budgetList} now={now} tz={tz} firstUseAt={firstUseAt(basis, win, now)} lowConfidence={forecast?.lowConfidence ?? false} />}
      </section>

      {alerts && alerts.length > 0 && (
        <section className="card" aria-labelledby="ov-notices">
          <h2 id="ov-notices">Notices</h2>
          <ul className="notices">
            {alerts.slice(0, 5).map((a) => (
              <li key={a.id} className={`notice notice-${a.kind}`}>
                <span className="notice-time num">{formatDateTime(a.at, tz)}</span>
                <span>
                  <strong>{a.title}</strong> {a.body}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="card" aria-labelledby="ov-chart">
        <h2 id="ov-chart">Daily spend by model</h2>
        {chart === null ? (
          <Loading lines={1} label="Loading the chart…" />
        ) : chart.series.length === 0 ? (
          <div className="chart chart-empty">
            <Empty title="No priced spend this month yet." />
          </div>
        ) : (
          <SpendChart series={chart.series} data={chart.data} />
        )}
      </section>

      {connected && reconciliation && <Unseen r={reconciliation} tz={tz} />}

      <SpendBreakdown />

      <RangeSpend />

      <section className="card" aria-labelledby="ov-keys">
        <h2 id="ov-keys">By key</h2>
        {data === null ? (
          <Loading />
        ) : (
          <DataTable
            caption="Spend by key"
            rows={keyRows}
            columns={keyColumns}
            rowKey={(r) => r.id}
            initialSort={{ id: 'period', desc: true }}
            empty="No requests this month."
          />
        )}
      </section>

      <section className="card" aria-labelledby="ov-models">
        <h2 id="ov-models">By model</h2>
        {data === null ? (
          <Loading />
        ) : (
          <DataTable
            caption="Spend by model"
            rows={modelRows}
            columns={modelColumns}
            rowKey={(r) => r.id}
            initialSort={{ id: 'period', desc: true }}
            empty="No requests this month."
          />
        )}
      </section>
    </div>
  );
}
