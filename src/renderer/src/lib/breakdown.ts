/**
 * Spend by project, by user or by agent run, for the overview's breakdown: per day this month from spend.query's
 * rollups, or per hour today from the requests themselves (rollups are kept per day). Pure functions.
 */
import type { SpendRowDto } from '../../../main/contract/api';
import type { RequestRecord } from '../../../main/contract/usage';
import { addDays, dayKeyIn } from '../../../shared/days';

export type BreakdownDim = 'project' | 'user' | 'run';

export const DIM_WORDS: Record<BreakdownDim, { label: string; none: string; other: string }> = {
  project: { label: 'Project', none: 'No project', other: 'Other projects' },
  user: { label: 'User', none: 'No user', other: 'Other users' },
  run: { label: 'Run', none: 'Not in a run', other: 'Other runs' },
};

export interface BreakdownRow {
  /** The project, user or run; '' for calls without one. */
  id: string;
  costUsd: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

export interface Breakdown {
  /** Chart series: the costliest ids, then one "other" series when there are more. */
  series: string[];
  /** One entry per day or hour: { x, [series]: dollars }. */
  data: Array<Record<string, number | string>>;
  /** Every id with its totals, costliest first. */
  rows: BreakdownRow[];
}

const label = (dim: BreakdownDim, id: string) => (id === '' ? DIM_WORDS[dim].none : id);

function build(dim: BreakdownDim, xs: string[], cells: Array<{ x: string; id: string; costUsd: number; requests: number; inputTokens: number; outputTokens: number }>, top: number): Breakdown {
  const totals = new Map<string, BreakdownRow>();
  for (const c of cells) {
    const r = totals.get(c.id) ?? { id: c.id, costUsd: 0, requests: 0, inputTokens: 0, outputTokens: 0 };
    r.costUsd += c.costUsd;
    r.requests += c.requests;
    r.inputTokens += c.inputTokens;
    r.outputTokens += c.outputTokens;
    totals.set(c.id, r);
  }
  const rows = [...totals.values()].sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || (a.id < b.id ? -1 : 1));
  const charted = rows.filter((r) => r.costUsd > 0);
  const named = new Map(charted.slice(0, top).map((r) => [r.id, label(dim, r.id)]));
  const other = charted.length > top ? DIM_WORDS[dim].other : null;
  const series = [...named.values(), ...(other ? [other] : [])];
  const byX = new Map(xs.map((x) => [x, Object.fromEntries([['x', x], ...series.map((s) => [s, 0])]) as Record<string, number | string>]));
  for (const c of cells) {
    const point = byX.get(c.x);
    const s = named.get(c.id) ?? (charted.some((r) => r.id === c.id) ? other : null);
    if (point && s) point[s] = (point[s] as number) + c.costUsd;
  }
  return { series, data: [...byX.values()], rows };
}

/** Days from `from` to `to`, from spend.query rows grouped by ['day', dim]. */
export function dailyBreakdown(rows: readonly SpendRowDto[], dim: BreakdownDim, from: string, to: string, top = 8): Breakdown {
  const xs: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) xs.push(d);
  const cells = rows.filter((r) => r.day && r.day >= from && r.day <= to).map((r) => ({ x: r.day!, id: r[dim] ?? '', costUsd: r.costUsd, requests: r.requests, inputTokens: r.inputTokens, outputTokens: r.outputTokens }));
  return build(dim, xs, cells, top);
}

const hourFormats = new Map<string, Intl.DateTimeFormat>();

/** The hour of the day (0–23) of an instant in the zone. */
export function hourIn(ms: number, tz: string): number {
  let f = hourFormats.get(tz);
  if (!f) hourFormats.set(tz, (f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hour: 'numeric', hourCycle: 'h23' })));
  return Number(f.format(ms)) % 24;
}

export const hourLabel = (h: number | string) => `${String(h).padStart(2, '0')}:00`;

/** Today's hours (00:00 to 23:00), from recorded requests; requests of other days are left out. */
export function hourlyBreakdown(records: readonly RequestRecord[], dim: BreakdownDim, today: string, tz: string, top = 8): Breakdown {
  const xs = Array.from({ length: 24 }, (_, h) => hourLabel(h));
  const cells = records
    .filter((r) => dayKeyIn(r.ts, tz) === today)
    .map((r) => ({ x: hourLabel(hourIn(r.ts, tz)), id: r[dim] ?? '', costUsd: r.costUsd ?? 0, requests: 1, inputTokens: r.usage.inputTokens, outputTokens: r.usage.outputTokens }));
  return build(dim, xs, cells, top);
}
