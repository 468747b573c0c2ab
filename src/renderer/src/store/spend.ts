/**
 * Spend per day × key and per day × model, as the overview needs it. Loaded from spend.query, then kept current by
 * adding each recorded request, so a burst of traffic costs a few map updates instead of a query per request.
 * Every function here is pure: new maps for what changed, the same objects for what did not.
 */
import type { SpendRowDto } from '../../../main/contract/api';
import type { RequestRecord } from '../../../main/contract/usage';
import { addDays } from '../../../shared/days';
import { daysLeft, forecastBasis, RATE_DAYS, rateWindow, type ForecastBasis } from '../../../shared/forecast';

export interface Cell {
  costUsd: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Requests whose model had no price: their tokens count, their dollars are unknown. */
  unpriced: number;
}

/** day → id → cell */
export type DayTable = ReadonlyMap<string, ReadonlyMap<string, Cell>>;

export interface SpendState {
  /** The days loaded, inclusive. */
  from: string;
  to: string;
  byKey: DayTable;
  byModel: DayTable;
}

export const emptyCell = (): Cell => ({ costUsd: 0, requests: 0, inputTokens: 0, outputTokens: 0, unpriced: 0 });

function addInto(c: Cell, d: Cell): Cell {
  return {
    costUsd: c.costUsd + d.costUsd,
    requests: c.requests + d.requests,
    inputTokens: c.inputTokens + d.inputTokens,
    outputTokens: c.outputTokens + d.outputTokens,
    unpriced: c.unpriced + d.unpriced,
  };
}

function tableFromRows(rows: readonly SpendRowDto[], dim: 'keyId' | 'model'): DayTable {
  const t = new Map<string, Map<string, Cell>>();
  for (const r of rows) {
    if (!r.day) continue;
    const id = r[dim] ?? '';
    let day = t.get(r.day);
    if (!day) t.set(r.day, (day = new Map()));
    const cell: Cell = { costUsd: r.costUsd, requests: r.requests, inputTokens: r.inputTokens, outputTokens: r.outputTokens, unpriced: r.unpricedRequests };
    day.set(id, addInto(day.get(id) ?? emptyCell(), cell));
  }
  return t;
}

/** From spend.query results grouped by [day, keyId] and [day, model]. */
export function spendFromRows(from: string, to: string, dayKeyRows: readonly SpendRowDto[], dayModelRows: readonly SpendRowDto[]): SpendState {
  return { from, to, byKey: tableFromRows(dayKeyRows, 'keyId'), byModel: tableFromRows(dayModelRows, 'model') };
}

function cellOf(r: RequestRecord): Cell {
  return {
    costUsd: r.costUsd ?? 0,
    requests: 1,
    inputTokens: r.usage.inputTokens,
    outputTokens: r.usage.outputTokens,
    unpriced: r.costUsd === null ? 1 : 0,
  };
}

function addToTable(t: DayTable, adds: ReadonlyArray<{ day: string; id: string; cell: Cell }>): DayTable {
  if (adds.length === 0) return t;
  const next = new Map(t);
  const copied = new Set<string>();
  for (const a of adds) {
    let day = next.get(a.day) as Map<string, Cell> | undefined;
    if (!day || !copied.has(a.day)) {
      day = new Map(day ?? []);
      next.set(a.day, day);
      copied.add(a.day);
    }
    day.set(a.id, addInto(day.get(a.id) ?? emptyCell(), a.cell));
  }
  return next;
}

/**
 * Adds recorded requests. `dayOf` gives a request's day in the core's zone, as the ledger's rollups do. Requests
 * after the loaded window move its end forward (a new day began); earlier ones are ignored.
 */
export function applyRecords(s: SpendState, records: readonly RequestRecord[], dayOf: (ts: number) => string): SpendState {
  const keyAdds: { day: string; id: string; cell: Cell }[] = [];
  const modelAdds: { day: string; id: string; cell: Cell }[] = [];
  let to = s.to;
  for (const r of records) {
    const day = dayOf(r.ts);
    if (day < s.from) continue;
    if (day > to) to = day;
    const cell = cellOf(r);
    keyAdds.push({ day, id: r.keyId, cell });
    modelAdds.push({ day, id: r.model, cell });
  }
  if (keyAdds.length === 0) return s;
  return { from: s.from, to, byKey: addToTable(s.byKey, keyAdds), byModel: addToTable(s.byModel, modelAdds) };
}

export interface SummaryRow {
  id: string;
  today: Cell;
  period: Cell;
  /** Period total projected to its end at the recent daily rate. */
  forecastUsd: number;
}

export interface PeriodWindow {
  today: string;
  /** The period's first and last day (a calendar month in the overview). */
  periodFrom: string;
  periodTo: string;
  /** How much of today has passed, 0–1: today's spend is a partial day. */
  todayElapsed: number;
}

/**
 * Today, this period and the forecast per key or per model. The forecast is the period so far plus the run rate
 * times the time left in the period; the rate comes from the same basis for every row (see forecast.ts), so the
 * rows' forecasts add up to the total's.
 */
export function summarize(t: DayTable, w: PeriodWindow, basis: ForecastBasis = forecastBasis(t, w)): SummaryRow[] {
  const rows = new Map<string, { today: Cell; period: Cell; recent: number }>();
  const rate = rateWindow(basis, w.today);
  const rateFrom = addDays(w.today, -RATE_DAYS);
  for (const [day, ids] of t) {
    if (day > w.today || (day < w.periodFrom && day < rateFrom)) continue;
    for (const [id, c] of ids) {
      let r = rows.get(id);
      if (!r) rows.set(id, (r = { today: emptyCell(), period: emptyCell(), recent: 0 }));
      if (day === w.today) r.today = addInto(r.today, c);
      if (day >= w.periodFrom && day <= w.periodTo) r.period = addInto(r.period, c);
      if (rate.includes(day)) r.recent += c.costUsd;
    }
  }
  const remaining = daysLeft(w);
  const out: SummaryRow[] = [];
  for (const [id, r] of rows) {
    const perDay = rate.days > 0 ? r.recent / rate.days : 0;
    out.push({ id, today: r.today, period: r.period, forecastUsd: r.period.costUsd + perDay * remaining });
  }
  return out;
}

export function totalOf(rows: readonly SummaryRow[]): { today: Cell; period: Cell; forecastUsd: number } {
  let today = emptyCell();
  let period = emptyCell();
  let forecastUsd = 0;
  for (const r of rows) {
    today = addInto(today, r.today);
    period = addInto(period, r.period);
    forecastUsd += r.forecastUsd;
  }
  return { today, period, forecastUsd };
}

export const OTHER_SERIES = 'Other models';

/**
 * Daily spend by model for a chart: the `top` costliest models of the period get a series each, the rest one
 * "Other models" series, since a hundred stacked colours tell nobody anything.
 */
export function dailyByModel(t: DayTable, from: string, to: string, top = 8): { series: string[]; data: Array<Record<string, number | string>> } {
  const totals = new Map<string, number>();
  for (const [day, ids] of t) {
    if (day < from || day > to) continue;
    for (const [id, c] of ids) totals.set(id, (totals.get(id) ?? 0) + c.costUsd);
  }
  const ranked = [...totals].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const series = ranked.slice(0, top).map(([id]) => id);
  const named = new Set(series);
  const hasOther = ranked.length > top;
  const data: Array<Record<string, number | string>> = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const row: Record<string, number | string> = { day };
    for (const s of series) row[s] = 0;
    if (hasOther) row[OTHER_SERIES] = 0;
    for (const [id, c] of t.get(day) ?? []) {
      const k = named.has(id) ? id : hasOther ? OTHER_SERIES : null;
      if (k) row[k] = (row[k] as number) + c.costUsd;
    }
    data.push(row);
  }
  return { series: hasOther ? [...series, OTHER_SERIES] : series, data };
}
