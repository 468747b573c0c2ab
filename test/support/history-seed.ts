/**
 * Fills a history database quickly, for the 1M-row search test and the bench: the names go in through the app's
 * own dictionary, the rows are generated inside SQLite by one INSERT … SELECT over a recursive counter (no
 * JavaScript per row), spread evenly over `days` ending at `endMs`, across `keys` × `models`, with the value
 * mix of real traffic (projects on most calls, users on half, runs on a third, 2 % errors).
 */
import { openDb } from '../../src/main/core/history/db.js';

export interface SeedOptions {
  rows: number;
  endMs: number;
  days?: number;
  keys?: number;
  models?: number;
  /** The seq of the first row (default 1). */
  firstSeq?: number;
}

export const SEED_PROJECTS = 20;
export const SEED_USERS = 50;

/** Writes the rows; returns the last seq written. */
export function seedHistory(file: string, o: SeedOptions): number {
  const db = openDb(file);
  const keys = o.keys ?? 10;
  const models = o.models ?? 6;
  const days = o.days ?? 365;
  const first = o.firstSeq ?? 1;
  const span = days * 86_400_000;
  const n = db.names;
  // Consecutive dictionary numbers per kind, so a row picks one by arithmetic.
  const block = (count: number, name: (i: number) => string) => {
    const ids = Array.from({ length: count }, (_, i) => n.id(name(i)));
    ids.forEach((id, i) => {
      if (id !== ids[0]! + i) throw new Error('seed names must be new and consecutive');
    });
    return ids[0]!;
  };
  const provider = block(3, (i) => ['openai', 'anthropic', 'gemini'][i]!);
  const operation = n.id('chat');
  const model = block(models, (i) => `model-${i}`);
  const responseModel = block(models, (i) => `model-${i}-2026`);
  const key = block(keys, (i) => `key_${i}`);
  const keyLabel = block(keys, (i) => `tg_…${i}abc`);
  const project = block(SEED_PROJECTS, (i) => `project-${i}`);
  const user = block(SEED_USERS, (i) => `user-${i}`);
  const priceSource = n.id('genai-prices@0.1.8');
  const runs = Math.ceil(o.rows / 500);
  const run = block(runs, (i) => `run-${i}`);

  // Bulk load: no rollback journal, indexes built once at the end (a sort, not a million B-tree inserts).
  db.db.pragma('journal_mode = OFF');
  db.db.pragma('cache_size = -200000');
  const indexes = db.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
  for (const ix of indexes) db.db.exec(`DROP INDEX ${ix.name}`);
  const r = (mod: number) => `(abs(random()) % ${mod})`;
  db.db
    .prepare(
      `WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < @rows),
       g(i, m, k, err, inp, outp) AS (SELECT i, ${r(models)}, ${r(keys)}, ${r(100)} < 2, 200 + ${r(20000)}, 10 + ${r(2000)} FROM c)
       INSERT INTO requests (seq, id, ts, cost, status, flags, provider, operation, model, key, key_label, project, user, run,
         response_model, priced_model, price_source, stream, dur, ttfb, inp, cr, cw5, cw1, outp, reas, upstream_id, extra)
       SELECT @first + i, 'req_seed' || printf('%08x', i), @start + (i * @span) / @rows,
         CASE WHEN err THEN 0 ELSE (inp * 3 + outp * 15) / 1e6 END, CASE WHEN err THEN 500 ELSE 200 END, CASE WHEN err THEN 8 ELSE 0 END,
         @provider + m % 3, @operation, @model + m, @key + k, @keyLabel + k,
         CASE WHEN ${r(100)} < 80 THEN @project + ${r(SEED_PROJECTS)} END,
         CASE WHEN ${r(100)} < 50 THEN @user + ${r(SEED_USERS)} END,
         CASE WHEN ${r(100)} < 30 THEN @run + i / 500 END,
         @responseModel + m, @model + m, @priceSource, ${r(100)} < 60, 200 + ${r(5000)}, 100 + ${r(500)},
         inp, inp / 3, 0, 0, outp, 0, 'msg_' || printf('%012x', i) || 'abcdefghij', NULL
       FROM g`,
    )
    .run({ rows: o.rows, first, start: o.endMs - span, span, provider, operation, model, key, keyLabel, project, user, run, responseModel, priceSource });
  for (const ix of indexes) db.db.exec(ix.sql);
  db.db.pragma('journal_mode = WAL');
  db.db.exec('ANALYZE');
  db.db.close();
  return first + o.rows - 1;
}
