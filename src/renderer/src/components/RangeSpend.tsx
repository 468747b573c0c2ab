import { useEffect, useId, useState } from 'react';
import type { CsvExport, SpendResult } from '../../../main/contract/api';
import { errorText, messageForField, toApiError } from '../api/errors';
import { presetOf, rangePresets, rangeProblem, type DayRange } from '../lib/date-range';
import { dayKeyIn, monthStart } from '../../../shared/days';
import { downloadText } from '../lib/download';
import { useRequestsExport } from '../lib/request-export';
import { formatCount, formatDay } from '../lib/format';
import { useActions, useDash, useTransportKind } from '../store/context';
import { zoneOf } from '../store/store';
import { Field } from './Field';
import { Money, TokenPair } from './Num';
import { ErrorNote, Note } from './States';

/**
 * Spend for any range of days, with the CSV exports for the same range: the month tables answer "how is this month
 * going", this answers "what did last quarter's project cost" without leaving the view.
 */
export function RangeSpend({ title = 'Spend in a range' }: { title?: string }) {
  const actions = useActions();
  const tz = useDash(zoneOf);
  const now = useDash((s) => s.now);
  const kind = useTransportKind();
  const today = dayKeyIn(now, tz);
  const headingId = useId();
  const [range, setRange] = useState<DayRange>(() => ({ from: monthStart(today), to: today }));
  const [totals, setTotals] = useState<SpendResult | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [exported, setExported] = useState<CsvExport | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [requestsDone, setRequestsDone] = useState<string | null>(null);
  const exportRequests = useRequestsExport();
  const problem = rangeProblem(range);
  const problemKey = problem ? problem.field + problem.message : null;

  useEffect(() => {
    if (problemKey) return;
    let live = true;
    actions.querySpend({ from: range.from, to: range.to }).then(
      (r) => live && (setTotals(r), setLoadError(null)),
      (e) => live && setLoadError(errorText(e)),
    );
    return () => {
      live = false;
    };
    // problem derives from the range: the query reruns when the range changes.
  }, [actions, range.from, range.to, problemKey]);

  async function run(which: 'rollups' | 'requests') {
    if (problem) return;
    setBusy(true);
    setExported(null);
    setRequestsDone(null);
    try {
      if (which === 'requests') {
        // Streamed from the history database (the whole range, any size), not built in memory.
        setRequestsDone(await exportRequests(range));
        setExportError(null);
        return;
      }
      const r = await actions.exportCsv(which, range);
      downloadText(r.filename, r.csv);
      setExported(r);
      setExportError(null);
    } catch (err) {
      const a = toApiError(err);
      setExportError(a.field ? messageForField(a) : a.message);
    } finally {
      setBusy(false);
    }
  }

  const preset = presetOf(range, today);
  const t = totals?.totals;
  return (
    <section className="card range-spend" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <div className="range-controls">
        <Field label="Range">
          <select value={preset} onChange={(e) => {
            const p = rangePresets(today).find((x) => x.id === e.target.value);
            if (p) setRange({ from: p.from, to: p.to });
          }}>
            {rangePresets(today).map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            <option value="custom" disabled>
              Custom
            </option>
          </select>
        </Field>
        <Field label="From" error={problem?.field === 'from' ? problem.message : null}>
          <input type="date" value={range.from} max={today} onChange={(e) => setRange({ ...range, from: e.target.value })} />
        </Field>
        <Field label="To" error={problem?.field === 'to' ? problem.message : null}>
          <input type="date" value={range.to} max={today} onChange={(e) => setRange({ ...range, to: e.target.value })} />
        </Field>
      </div>
      {loadError && <ErrorNote>Spend could not be loaded: {loadError}</ErrorNote>}
      <p className="range-totals" aria-live="polite">
        {t && !problem ? (
          <>
            <strong>
              <Money value={t.costUsd} precise />
            </strong>{' '}
            from {formatDay(range.from)} to {formatDay(range.to)}: <span className="num">{formatCount(t.requests)}</span> {t.requests === 1 ? 'request' : 'requests'}, tokens{' '}
            <TokenPair input={t.inputTokens} output={t.outputTokens} />
            {t.unpricedRequests > 0 && <> ({formatCount(t.unpricedRequests)} unpriced)</>}
          </>
        ) : (
          '\u00a0'
        )}
      </p>
      <div className="actions">
        <button type="button" disabled={busy || !!problem} onClick={() => void run('rollups')}>
          Export daily totals (CSV)
        </button>
        <button type="button" disabled={busy || !!problem} onClick={() => void run('requests')}>
          Export requests (CSV)
        </button>
      </div>
      {exportError && <ErrorNote>{exportError}</ErrorNote>}
      <div aria-live="polite">
        {exported && (
          <p className="hint">
            Saved <code>{exported.filename}</code>: {formatCount(exported.rows)} rows{kind === 'http' ? ' (in your downloads folder)' : ''}.
          </p>
        )}
        {exported?.note && <Note tone="warn">{exported.note}</Note>}
        {requestsDone && <p className="hint">{requestsDone}</p>}
      </div>
    </section>
  );
}
