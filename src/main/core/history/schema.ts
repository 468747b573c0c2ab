import type Database from 'better-sqlite3';

/**
 * The history database's tables. Repeated strings (provider, model, key, project, …) are stored once in `names`
 * and referred to by number, which keeps a request's row near 100 bytes. `seq` is assigned by Tollgate, not by
 * SQLite: the ledger's stored summary remembers the last seq it counted, and a restart replays exactly the rows
 * after it (see reconcile.ts), so a record is never counted twice and a queued write keeps its place.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE names (id INTEGER PRIMARY KEY, s TEXT NOT NULL UNIQUE);
   CREATE TABLE requests (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL,
     ts INTEGER NOT NULL,
     cost REAL,
     status INTEGER NOT NULL,
     flags INTEGER NOT NULL,
     provider INTEGER NOT NULL,
     operation INTEGER NOT NULL,
     model INTEGER NOT NULL,
     key INTEGER NOT NULL,
     key_label INTEGER NOT NULL,
     project INTEGER,
     user INTEGER,
     run INTEGER,
     response_model INTEGER,
     priced_model INTEGER,
     price_source INTEGER,
     stream INTEGER NOT NULL,
     dur INTEGER NOT NULL,
     ttfb INTEGER,
     inp INTEGER NOT NULL,
     cr INTEGER NOT NULL,
     cw5 INTEGER NOT NULL,
     cw1 INTEGER NOT NULL,
     outp INTEGER NOT NULL,
     reas INTEGER NOT NULL,
     upstream_id TEXT,
     extra TEXT
   );
   CREATE INDEX requests_ts ON requests (ts);
   CREATE INDEX requests_cost ON requests (cost, ts);
   CREATE INDEX requests_unusual ON requests (ts, flags, status) WHERE flags != 0 OR status >= 400;
   CREATE INDEX requests_key_ts ON requests (key, ts);
   CREATE INDEX requests_model_ts ON requests (model, ts);
   CREATE INDEX requests_project_ts ON requests (project, ts) WHERE project IS NOT NULL;
   CREATE INDEX requests_run_ts ON requests (run, ts) WHERE run IS NOT NULL;
   CREATE INDEX requests_user_ts ON requests (user, ts) WHERE user IS NOT NULL;
   CREATE TABLE rollups (
     day TEXT NOT NULL, provider TEXT NOT NULL, key_id TEXT NOT NULL, model TEXT NOT NULL, project TEXT NOT NULL,
     user TEXT NOT NULL, run TEXT NOT NULL,
     data TEXT NOT NULL,
     PRIMARY KEY (day, provider, key_id, model, project, user, run)
   ) WITHOUT ROWID;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the schema to the current version, one migration per transaction; user_version counts them. */
export function migrate(db: Database.Database): void {
  const at = db.pragma('user_version', { simple: true }) as number;
  if (at > SCHEMA_VERSION) throw new Error(`the history database is from a newer Tollgate (schema ${at}, this one knows ${SCHEMA_VERSION})`);
  for (let v = at; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
