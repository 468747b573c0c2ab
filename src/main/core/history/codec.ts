import type Database from 'better-sqlite3';
import type { RequestFlag, RequestRecord } from '../../contract/usage.js';

/** Known flags as bits; a flag outside this list (none today) is kept in `extra`. Append only: bits are stored. */
export const FLAG_BITS: readonly RequestFlag[] = ['partial', 'estimated', 'unpriced', 'error', 'blocked', 'degraded', 'cut-off', 'clamped', 'subscription', 'truncated', 'implausible-usage'];

export function flagMask(flags: readonly string[]): number {
  let m = 0;
  for (const f of flags) {
    const i = FLAG_BITS.indexOf(f as RequestFlag);
    if (i >= 0) m |= 1 << i;
  }
  return m;
}

/** A stored row as SQLite returns it. */
export interface Row {
  seq: number;
  id: string;
  ts: number;
  cost: number | null;
  status: number;
  flags: number;
  provider: number;
  operation: number;
  model: number;
  key: number;
  key_label: number;
  project: number | null;
  user: number | null;
  run: number | null;
  response_model: number | null;
  priced_model: number | null;
  price_source: number | null;
  stream: number;
  dur: number;
  ttfb: number | null;
  inp: number;
  cr: number;
  cw5: number;
  cw1: number;
  outp: number;
  reas: number;
  upstream_id: string | null;
  extra: string | null;
}

export const COLUMNS = 'seq, id, ts, cost, status, flags, provider, operation, model, key, key_label, project, user, run, response_model, priced_model, price_source, stream, dur, ttfb, inp, cr, cw5, cw1, outp, reas, upstream_id, extra';

interface Extra {
  note?: string;
  source?: Exclude<RequestRecord['source'], 'proxy'>;
  tool?: string;
  session?: string;
  flags?: string[];
}

/**
 * The string dictionary: every distinct name gets a number once, cached in memory (a few thousand names at
 * most: models, keys, projects, runs), so encoding a record costs map look-ups, not queries. Another connection
 * (the commit worker's) adds names too: a name or number not in the cache is looked up in the table before it
 * is added or given up on.
 */
export interface Names {
  id(s: string): number;
  idOrNull(s: string | null): number | null;
  /** The number of a name already stored, or undefined (a search for a name never seen matches nothing). */
  find(s: string): number | undefined;
  text(id: number): string;
  textOrNull(id: number | null): string | null;
}

export function createNames(db: Database.Database): Names {
  const byText = new Map<string, number>();
  const byId = new Map<number, string>();
  const remember = (s: string, n: number) => {
    byText.set(s, n);
    byId.set(n, s);
    return n;
  };
  for (const r of db.prepare('SELECT id, s FROM names').iterate() as Iterable<{ id: number; s: string }>) remember(r.s, r.id);
  const insert = db.prepare('INSERT INTO names (s) VALUES (?)');
  const idOf = db.prepare('SELECT id FROM names WHERE s = ?').pluck();
  const textOf = db.prepare('SELECT s FROM names WHERE id = ?').pluck();
  const find = (s: string) => {
    const n = byText.get(s) ?? (idOf.get(s) as number | undefined);
    return n === undefined ? undefined : remember(s, n);
  };
  const id = (s: string) => find(s) ?? remember(s, Number(insert.run(s).lastInsertRowid));
  const text = (n: number) => {
    const s = byId.get(n) ?? (textOf.get(n) as string | undefined);
    return s === undefined ? undefined : (remember(s, n), s);
  };
  return {
    id,
    idOrNull: (s) => (s === null ? null : id(s)),
    find,
    text: (n) => text(n) ?? '',
    textOrNull: (n) => (n === null ? null : (text(n) ?? null)),
  };
}

/**
 * Names as themselves, for rows encoded on one thread and written on another (commit-worker.ts): the writing
 * thread's connection turns the text in NAME_COLUMNS into numbers.
 */
const AS_TEXT = { id: (s: string) => s, idOrNull: (s: string | null) => s } as unknown as Names;

/** Where encode() puts the names (provider … price_source), positions in COLUMNS. */
export const NAME_COLUMNS: readonly number[] = Array.from({ length: 11 }, (_, i) => 6 + i);

/** A record as insert parameters with its names as text (see AS_TEXT). */
export function encodeNamed(seq: number, r: RequestRecord): unknown[] {
  return encode(AS_TEXT, seq, r);
}

/** A record as the parameters of one insert (positional, in COLUMNS order). */
export function encode(names: Names, seq: number, r: RequestRecord): unknown[] {
  const extra: Extra = {};
  if (r.note !== undefined) extra.note = r.note;
  if (r.source !== undefined && r.source !== 'proxy') extra.source = r.source;
  if (r.tool !== undefined) extra.tool = r.tool;
  if (r.session !== undefined) extra.session = r.session;
  const odd = r.flags.filter((f) => !FLAG_BITS.includes(f));
  if (odd.length) extra.flags = odd;
  const u = r.usage;
  return [
    seq,
    r.id,
    r.ts,
    r.costUsd,
    r.status,
    flagMask(r.flags),
    names.id(r.provider),
    names.id(r.operation),
    names.id(r.model),
    names.id(r.keyId),
    names.id(r.keyLabel),
    names.idOrNull(r.project),
    names.idOrNull(r.user),
    names.idOrNull(r.run),
    names.idOrNull(r.responseModel),
    names.idOrNull(r.pricedModel),
    names.idOrNull(r.priceSource),
    r.stream ? 1 : 0,
    r.durationMs,
    r.ttfbMs,
    u.inputTokens,
    u.cacheReadTokens,
    u.cacheWrite5mTokens,
    u.cacheWrite1hTokens,
    u.outputTokens,
    u.reasoningTokens,
    r.upstreamId ?? null,
    r.note !== undefined || extra.source !== undefined || r.tool !== undefined || r.session !== undefined || odd.length ? JSON.stringify(extra) : null,
  ];
}

export function decode(names: Names, row: Row): RequestRecord {
  const extra: Extra = row.extra ? (JSON.parse(row.extra) as Extra) : {};
  const flags: RequestFlag[] = [];
  for (let i = 0; i < FLAG_BITS.length; i++) if (row.flags & (1 << i)) flags.push(FLAG_BITS[i]!);
  if (extra.flags) flags.push(...(extra.flags as RequestFlag[]));
  const r: RequestRecord = {
    id: row.id,
    ts: row.ts,
    durationMs: row.dur,
    ttfbMs: row.ttfb,
    provider: names.text(row.provider),
    operation: names.text(row.operation),
    model: names.text(row.model),
    responseModel: names.textOrNull(row.response_model),
    keyId: names.text(row.key),
    keyLabel: names.text(row.key_label),
    project: names.textOrNull(row.project),
    user: names.textOrNull(row.user),
    run: names.textOrNull(row.run),
    status: row.status,
    stream: row.stream === 1,
    usage: { inputTokens: row.inp, cacheReadTokens: row.cr, cacheWrite5mTokens: row.cw5, cacheWrite1hTokens: row.cw1, outputTokens: row.outp, reasoningTokens: row.reas },
    costUsd: row.cost,
    pricedModel: names.textOrNull(row.priced_model),
    priceSource: names.textOrNull(row.price_source),
    flags,
  };
  if (extra.note !== undefined) r.note = extra.note;
  if (extra.source !== undefined) r.source = extra.source;
  if (row.upstream_id !== null) r.upstreamId = row.upstream_id;
  if (extra.tool !== undefined) r.tool = extra.tool;
  if (extra.session !== undefined) r.session = extra.session;
  return r;
}
