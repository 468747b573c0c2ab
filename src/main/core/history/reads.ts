import type { TokenUsage } from '../../contract/usage.js';
import { COLUMNS, decode, type Row } from './codec.js';
import type { OpenDb } from './db.js';
import type { History } from './history.js';
import { searchDb } from './search.js';
import type { Pending } from './writer.js';

/** What the history keeps of an imported call that tells it apart (coding-logs/identity.ts). */
export interface ImportedCall {
  upstreamId: string | null;
  session: string | null;
  ts: number;
  usage: Pick<TokenUsage, 'inputTokens' | 'outputTokens'>;
}

/**
 * The history's reads. Each first has every record appended before it written (`settle`), and counts the records
 * queued while the database cannot be written as recorded, since they were.
 */
export function createHistoryReads(d: {
  db: () => OpenDb | null;
  settle: () => void;
  queue: readonly Pending[];
}): Pick<History, 'since' | 'search' | 'latest' | 'importedSince'> {
  return {
    *since(after) {
      d.settle();
      // Read in pages: better-sqlite3 allows no other statement on a connection while an iterator is open.
      const o = d.db();
      const page = o?.db.prepare(`SELECT ${COLUMNS} FROM requests WHERE seq > ? ORDER BY seq LIMIT 2000`);
      for (let at = after; page; ) {
        const rows = page.all(at) as Row[];
        for (const row of rows) yield { seq: row.seq, r: decode(o!.names, row) };
        if (rows.length < 2000) break;
        at = rows[rows.length - 1]!.seq;
      }
      // Queued records are counted too: they were recorded, only not yet written.
      for (const q of d.queue) if (q.seq > after) yield q;
    },
    search(q) {
      d.settle();
      const o = d.db();
      return o ? searchDb(o, q) : { records: [], next: null };
    },
    latest(limit) {
      d.settle();
      const o = d.db();
      if (!o) return [];
      const rows = o.db.prepare(`SELECT ${COLUMNS} FROM requests ORDER BY seq DESC LIMIT ?`).all(limit) as Row[];
      return rows.reverse().map((row) => decode(o!.names, row));
    },
    importedSince(after, keyPrefix) {
      d.settle();
      // By seq (the primary key), names compared as text; only a record without an upstream id has its extra
      // fields (its session) decoded.
      const o = d.db();
      const rows = o
        ? (o.db
            .prepare('SELECT r.upstream_id, r.ts, r.inp, r.outp, r.extra FROM requests r JOIN names n ON n.id = r.key WHERE r.seq > ? AND n.s >= ? AND n.s < ? ORDER BY r.seq')
            .all(after, keyPrefix, keyPrefix + '\uffff') as { upstream_id: string | null; ts: number; inp: number; outp: number; extra: string | null }[])
        : [];
      const out: ImportedCall[] = rows.map((row) => ({
        upstreamId: row.upstream_id,
        session: row.upstream_id === null && row.extra ? ((JSON.parse(row.extra) as { session?: string }).session ?? null) : null,
        ts: row.ts,
        usage: { inputTokens: row.inp, outputTokens: row.outp },
      }));
      for (const q of d.queue) if (q.seq > after && q.r.keyId.startsWith(keyPrefix)) out.push({ upstreamId: q.r.upstreamId ?? null, session: q.r.session ?? null, ts: q.r.ts, usage: q.r.usage });
      return out;
    },
  };
}
