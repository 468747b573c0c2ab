import type { Statement } from 'better-sqlite3';
import type { RequestRecord } from '../../contract/usage.js';
import { COLUMNS, decode, flagMask, type Row } from './codec.js';
import type { OpenDb } from './db.js';

export interface HistoryQuery {
  /** Start times, epoch ms: from inclusive, to exclusive. */
  from?: number;
  to?: number;
  provider?: string;
  keyId?: string;
  model?: string;
  project?: string;
  user?: string;
  run?: string;
  flag?: string;
  status?: number;
  minCostUsd?: number;
  sort?: 'time' | 'cost';
  /** Oldest first (time sort only): how exports read a range. */
  ascending?: boolean;
  limit?: number;
  /** From the previous page's `next`: continues after its last row. */
  cursor?: string;
}

export interface HistoryPage {
  records: RequestRecord[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next: string | null;
}

export const MAX_PAGE = 1000;

/**
 * Builds one query. Every filter is an equality on a dictionary number or a range, so SQLite can walk one of
 * the (column, ts) indexes, or the ts or cost index, newest (or dearest) first and stop at the page's end.
 * Paging is by keyset — (ts, seq) or (cost, seq) below the last row seen — so page 1,000 costs what page 1 does.
 */
function build(o: OpenDb, q: HistoryQuery, limit: number): { sql: string; params: unknown[] } | null {
  const where: string[] = [];
  const params: unknown[] = [];
  let dimensions = 0;
  for (const [col, v] of [
    ['provider', q.provider],
    ['key', q.keyId],
    ['model', q.model],
    ['project', q.project],
    ['user', q.user],
    ['run', q.run],
  ] as const) {
    if (v === undefined) continue;
    const n = o.names.find(v);
    if (n === undefined) return null; // a name never stored matches nothing
    where.push(`${col} = ?`);
    params.push(n);
    dimensions++;
  }
  const rangeWhere = where.slice();
  const rangeParams = params.slice();
  if (q.from !== undefined) {
    where.push('ts >= ?');
    params.push(q.from);
  }
  if (q.to !== undefined) {
    where.push('ts < ?');
    params.push(q.to);
  }
  // Flagged and failed calls are a small part of traffic and have an index of their own; this term, written
  // exactly as the index's condition, lets SQLite use it.
  const UNUSUAL = '(flags != 0 OR status >= 400)';
  let unusual = false;
  if (q.flag !== undefined) {
    const m = flagMask([q.flag]);
    if (m === 0) return null;
    where.push('(flags & ?) != 0');
    params.push(m);
    unusual = true;
  }
  if (q.status !== undefined) {
    where.push('status = ?');
    params.push(q.status);
    if (q.status >= 400) unusual = true;
  }
  if (unusual) where.push(UNUSUAL);
  if (q.minCostUsd !== undefined) {
    where.push('cost >= ?');
    params.push(q.minCostUsd);
  }
  const byCost = q.sort === 'cost';
  const up = !byCost && q.ascending === true;
  if (byCost) where.push('cost IS NOT NULL');
  if (q.cursor) {
    const [a, b] = q.cursor.split(':').map(Number);
    if (!Number.isFinite(a) || !Number.isFinite(b)) throw new Error('cursor is not one this search returned');
    where.push(byCost ? '(cost, seq) < (?, ?)' : up ? '(ts, seq) > (?, ?)' : '(ts, seq) < (?, ?)');
    params.push(a, b);
  }
  const order = byCost ? 'cost DESC, seq DESC' : up ? 'ts, seq' : 'ts DESC, seq DESC';
  const hint = indexHint(o, q, { byCost, dimensions, unusual, rangeWhere, rangeParams });
  // Two steps: the page's seqs are found and sorted from the indexes alone ((ts, cost) and (cost, ts) cover a
  // range with either order), and only that page's rows are read in full; sorting whole rows of a busy month
  // instead took over 100 ms on a million stored requests.
  const inner = `SELECT seq FROM requests${hint}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${limit + 1}`;
  const sql = `SELECT ${COLUMNS} FROM requests WHERE seq IN (${inner}) ORDER BY ${order}`;
  return { sql, params };
}

/**
 * Which index walks the page, where SQLite's own choice is poor on this data. Dearest first: walking the
 * (cost, ts) index from the top stops after `limit` hits, unless a name filter leaves few rows, which its own
 * (name, ts) index then finds faster (an index-only count, capped, tells which). Newest first with only a status
 * or flag filter: the time index, or the index of unusual calls, never a scan of the whole table and a sort.
 */
function indexHint(
  o: OpenDb,
  q: HistoryQuery,
  c: { byCost: boolean; dimensions: number; unusual: boolean; rangeWhere: string[]; rangeParams: unknown[] },
): string {
  if (c.byCost) {
    if (c.dimensions === 0) return ' INDEXED BY requests_cost';
    const w = [...c.rangeWhere];
    const p = [...c.rangeParams];
    if (q.from !== undefined) {
      w.push('ts >= ?');
      p.push(q.from);
    }
    if (q.to !== undefined) {
      w.push('ts < ?');
      p.push(q.to);
    }
    const n = (statement(o, `SELECT count(*) AS n FROM (SELECT 1 FROM requests WHERE ${w.join(' AND ')} LIMIT ${MANY})`).get(...p) as { n: number }).n;
    return n >= MANY ? ' INDEXED BY requests_cost' : '';
  }
  if (c.dimensions > 0 || q.minCostUsd !== undefined) return '';
  return c.unusual ? ' INDEXED BY requests_unusual' : ' INDEXED BY requests_ts';
}

/** Rows a name filter may leave before walking the cost index is the faster way to the dearest. */
const MANY = 20_000;

export function searchDb(o: OpenDb, q: HistoryQuery): HistoryPage {
  const limit = Math.min(Math.max(1, q.limit ?? 100), MAX_PAGE);
  const b = build(o, q, limit);
  if (!b) return { records: [], next: null };
  const rows = statement(o, b.sql).all(...b.params) as Row[];
  const more = rows.length > limit;
  if (more) rows.pop();
  const last = rows[rows.length - 1];
  const next = more && last ? `${q.sort === 'cost' ? last.cost : last.ts}:${last.seq}` : null;
  return { records: rows.map((r) => decode(o.names, r)), next };
}

const cache = new WeakMap<OpenDb, Map<string, Statement<unknown[]>>>();

/** Prepared once per query shape and connection: a search shape is compiled once, then only bound and run. */
function statement(o: OpenDb, sql: string): Statement<unknown[]> {
  let m = cache.get(o);
  if (!m) cache.set(o, (m = new Map()));
  let s = m.get(sql);
  if (!s) {
    s = o.db.prepare<unknown[]>(sql);
    // Shapes are few (which filters are set), but bound them anyway.
    if (m.size > 500) m.clear();
    m.set(sql, s);
  }
  return s;
}
