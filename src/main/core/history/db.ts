import fs from 'node:fs';
import Database from 'better-sqlite3';
import { createNames, type Names } from './codec.js';
import { migrate } from './schema.js';

export interface OpenDb {
  db: Database.Database;
  names: Names;
  /** The file's inode when opened: a different one (or none) at the path means it was deleted or replaced. */
  ino: number;
}

/** SQLite's codes for a file that is not a database, or is one no longer readable as such. */
const CORRUPT = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_INDEX']);

export function isCorrupt(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return typeof code === 'string' && CORRUPT.has(code);
}

/**
 * The connection's page cache, in KiB (negative: a size, not a page count). better-sqlite3 builds SQLite with a
 * default of 16 MB per connection (PRAGMA compile_options: DEFAULT_CACHE_SIZE=-16000), and pages once cached stay
 * until the connection closes: a start-up ANALYZE, a search over a year or a prune fills it, and an idle
 * Tollgate with a year of history kept 10–16 MB of it resident (bench/memory.ts). SQLite's own default, 2 MB,
 * holds the pages every append touches (the table's last leaf and each index's hot leaves); any other page is
 * one read from the OS's file cache away, microseconds.
 */
export const CACHE_KIB = -2000;

/**
 * Opens (or creates) the history database: WAL, so an append is one write to the log and readers never block
 * the writer; synchronous=NORMAL, so a commit does not wait for fsync (a killed process loses nothing the OS
 * has; power loss can lose what was not yet synced, see history.ts's group sync).
 */
export function openDb(file: string): OpenDb {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Readers and the pruner wait briefly for each other rather than failing at once.
    db.pragma('busy_timeout = 2000');
    db.pragma(`cache_size = ${CACHE_KIB}`);
    migrate(db);
    // Statistics for the query planner, bounded so a large file opens in milliseconds (SQLite's advice for
    // long-lived connections); search.ts still names the index where the planner's guess is poor.
    db.pragma('analysis_limit = 400');
    db.pragma('optimize = 0x10002');
    // Reads a page of every table, so a file damaged at its start is found now, not at the first request.
    db.prepare('SELECT count(*) FROM (SELECT 1 FROM requests ORDER BY seq DESC LIMIT 1)').get();
    const names = createNames(db);
    return { db, names, ino: fs.statSync(file).ino };
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * The database for reading only, where it cannot be written (a read-only folder): searches and the recent list
 * still work from it while appends wait in memory. It opens only a file closed cleanly (stop() leaves it in
 * rollback-journal mode, which needs no -wal or -shm file to read).
 */
export function openReadOnly(file: string): OpenDb {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.prepare('SELECT count(*) FROM (SELECT 1 FROM requests ORDER BY seq DESC LIMIT 1)').get();
    return { db, names: createNames(db), ino: fs.statSync(file).ino };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Moves a damaged database (and its log) aside, keeping it for whoever wants to look; returns the new name. */
export function moveAside(file: string, stamp: string): string {
  const aside = `${file}.corrupt-${stamp}`;
  fs.renameSync(file, aside);
  for (const suffix of ['-wal', '-shm']) {
    try {
      fs.renameSync(file + suffix, aside + suffix);
    } catch {}
  }
  return aside;
}
