import fs from 'node:fs';
import type { RequestRecord, RollupRow } from '../../contract/usage.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { createCheckpointer } from './checkpointer.js';
import { createCommitWorker } from './commit-worker.js';
import { JOURNAL_SUFFIX, removeJournal } from './journal.js';
import { createHistoryWriter, MAX_QUEUE } from './writer.js';
import { COLUMNS } from './codec.js';
import { isCorrupt, moveAside, openDb, openReadOnly, type OpenDb } from './db.js';
import { createPruner } from './prune.js';
import { createHistoryReads, type ImportedCall } from './reads.js';
import { createRollupArchive } from './rollup-archive.js';
import type { HistoryPage, HistoryQuery } from './search.js';

/** Records kept in memory while the disk refuses them: about 50 MB at worst, hours of heavy traffic. */
export { MAX_QUEUE };

export interface History {
  /**
   * Takes one record and gives it its seq. It is written at the end of this tick (writer.ts: the journal, then
   * the database); when the disk refuses, it waits in a bounded queue and is written once it can be.
   */
  append(r: RequestRecord): number;
  /**
   * Calls `cb` once every record appended so far is on disk: at once when none waits, else when this tick's
   * group is written. A proxied answer's last byte waits for it, so an answered request is always on disk.
   */
  afterWrite(cb: () => void): void;
  /**
   * Resolves once every record appended so far is on disk (a background journal write landed, or committed): the
   * store's timed flush waits for it before it writes a summary that counts them (store/persistence.ts durable).
   */
  durable(): Promise<void>;
  /** The seq the last appended record got. */
  readonly lastSeq: number;
  /** Records with a seq after `seq`, oldest first: what a summary saved at `seq` has not counted. */
  since(seq: number): Iterable<{ seq: number; r: RequestRecord }>;
  search(q: HistoryQuery): HistoryPage;
  /** The newest `limit` records, for the in-memory recent list after a restart. */
  latest(limit: number): RequestRecord[];
  /** What identifies the records after `seq` whose key id starts with `keyPrefix` (the log import's, at start). */
  importedSince(seq: number, keyPrefix: string): ImportedCall[];
  /** Day rollups moved out of the small store, and read back for ranges that reach them. */
  archiveRollups(rows: readonly RollupRow[]): void;
  archivedRollups(from?: string, to?: string): RollupRow[];
  /** Retries queued writes, checks the file is still there, syncs the log: what the timers do, callable from tests. */
  tick(): void;
  start(): void;
  stop(): void;
  problems(): string[];
  readonly queued: number;
  readonly file: string;
  /**
   * Resolves once the records appended so far are nearly all in the database (writer.ts ROOM_ROWS): a bulk
   * writer such as the log import waits for it between slices, so it never outruns the commits and the memory
   * and the proxy's appends never wait for them.
   */
  room(): Promise<void>;
}

export function createHistory(deps: {
  file: string;
  clock: Clock;
  log: Logger;
  /** Days of requests kept (the historyRetentionDays setting). */
  retentionDays: () => number;
  /** The last seq the stored summary counted: numbering continues after it even if the database is lost. */
  minSeq?: number;
  onProblems?: () => void;
  /** Timers' periods; tests shorten them. */
  tickMs?: number;
  pruneMs?: number;
  /** False: every commit on the main thread (commit-worker.ts), as where no worker can start. Default true. */
  commitWorker?: boolean;
}): History {
  const { file, log } = deps;
  let o: OpenDb | null = null;
  /** Open for reading only (a read-only folder): appends queue until a full open succeeds. */
  let readOnly = false;
  let insert: ReturnType<OpenDb['db']['prepare']> | null = null;
  let problem: string | null = null;
  let notice: string | null = null;
  let seq = deps.minSeq ?? 0;
  let unsynced = false;
  let timer: NodeJS.Timeout | null = null;
  const journalFile = file + JOURNAL_SUFFIX;
  const checkpointer = createCheckpointer({
    file,
    log,
    onFailed: () => {
      try {
        o?.db.pragma('wal_autocheckpoint = 1000');
      } catch {}
      commits?.reopen();
    },
    catchUp: () => {
      // On the connection that commits: the worker's, where there is one, so this thread never copies the frames.
      if (commits?.checkpoint()) return;
      try {
        if (o && !readOnly) o.db.pragma('wal_checkpoint(PASSIVE)');
      } catch {}
    },
  });

  const commits = deps.commitWorker === false ? undefined : createCommitWorker({ file, log, autocheckpoint: () => (checkpointer.working ? 0 : 1000) });

  const stamp = () => new Date(deps.clock.now()).toISOString().replace(/[:.]/g, '-');
  const setProblem = (p: string | null) => {
    if (p === problem) return;
    if (p) log.error(p);
    else if (problem) log.info('history database writable again', { file, written: 'queued records written' });
    problem = p;
    deps.onProblems?.();
  };
  const setNotice = (n: string) => {
    notice = n;
    log.warn(n);
    deps.onProblems?.();
  };

  function open(): boolean {
    try {
      const full = openDb(file);
      if (o) close();
      o = full;
      readOnly = false;
    } catch (err) {
      if (!isCorrupt(err)) {
        setProblem(`the history database ${file} could not be opened for writing (${(err as Error).message}); requests are kept in memory (up to ${MAX_QUEUE}) until it can be`);
        if (!o) {
          try {
            o = openReadOnly(file);
            readOnly = true;
            seq = Math.max(seq, (o.db.prepare('SELECT max(seq) AS m FROM requests').get() as { m: number | null }).m ?? 0);
          } catch {}
        }
        return false;
      }
      const aside = moveAside(file, stamp());
      setNotice(`the history database ${file} was damaged (${(err as Error).message}); it was moved aside as ${aside} and a new one started`);
      try {
        o = openDb(file);
      } catch (again) {
        setProblem(`the history database ${file} could not be created (${(again as Error).message}); requests are kept in memory until it can be`);
        return false;
      }
    }
    // The writing connection never checkpoints: checkpointer.ts does, off the event loop.
    // A log that grew during a long burst (the background checkpoint cannot finish while commits keep coming) is
    // started again, and cut back to this size, by the first commit after a checkpoint that caught up.
    if (checkpointer.working) o.db.pragma('wal_autocheckpoint = 0');
    o.db.pragma(`journal_size_limit = ${8 * 1024 * 1024}`);
    insert = o.db.prepare(`INSERT OR IGNORE INTO requests (${COLUMNS}) VALUES (${COLUMNS.split(',').map(() => '?').join(',')})`);
    const max = (o.db.prepare('SELECT max(seq) AS m FROM requests').get() as { m: number | null }).m ?? 0;
    seq = Math.max(seq, max);
    // The worker's connection may be to a file moved aside since: its next batch goes to this one.
    commits?.reopen();
    return true;
  }

  function close() {
    checkpointer.stop();
    try {
      o?.db.close();
    } catch {}
    o = null;
    insert = null;
    readOnly = false;
  }

  /** Handling a failure: one of a batch in flight meanwhile has its records queued already, and nothing more. */
  let failing = false;

  /** A write failed: a damaged file is replaced at once; anything else (full, read-only) is retried by tick(). */
  function failed(err: unknown) {
    if (failing) return;
    failing = true;
    try {
      fail(err);
    } finally {
      failing = false;
    }
  }

  function fail(err: unknown) {
    if (isCorrupt(err)) {
      // The worker's batch ends (in the damaged file, or back in the queue) before the file is moved.
      writer.quiesce();
      close();
      const aside = moveAside(file, stamp());
      setNotice(`the history database ${file} became unreadable while running (${(err as Error).message}); it was moved aside as ${aside} and a new one started`);
      open();
      return;
    }
    setProblem(`could not write to the history database ${file}: ${(err as Error).message}; ${queue.length} requests are waiting in memory and will be written once it can be`);
  }

  const writer = createHistoryWriter({
    journalFile,
    target: () => (o && !readOnly && insert ? { db: o.db, names: o.names, insert } : null),
    failed: (err) => failed(err),
    wrote: (rows) => {
      unsynced = true;
      checkpointer.wrote(rows);
    },
    worker: commits,
  });
  const queue = writer.queue;

  function drain() {
    const had = queue.length;
    if (writer.drain() && had) setProblem(null);
  }

  /** The file was deleted (or replaced) under us: the open handle still has every row, so it is written back. */
  function checkFile() {
    if (!o || readOnly) return;
    let ino: number | null = null;
    try {
      ino = fs.statSync(file).ino;
    } catch {}
    if (ino === o.ino) return;
    try {
      // Whatever the worker is committing goes into the open copy before it is written back.
      writer.quiesce();
      if (ino !== null) moveAside(file, `replaced-${stamp()}`);
      o.db.exec(`VACUUM INTO '${file.replace(/'/g, "''")}'`);
      close();
      open();
      setNotice(`the history database ${file} was ${ino === null ? 'deleted' : 'replaced'} while Tollgate was running; it was rewritten from the open copy`);
    } catch (err) {
      setProblem(`the history database ${file} was deleted while running and could not be rewritten (${(err as Error).message}); requests are kept in memory until it can be`);
      close();
    }
  }

  /**
   * Group sync: the WAL is fsynced at most once a second, on libuv's thread pool, never on the request path.
   * A killed process loses nothing (each append is in the OS before the answer's last byte); power loss may
   * lose up to the last second.
   */
  function sync() {
    writer.syncJournal();
    if (!unsynced || !o) return;
    unsynced = false;
    fs.open(`${file}-wal`, 'r', (err, fd) => {
      if (err) return;
      fs.fsync(fd, () => fs.close(fd, () => {}));
    });
  }

  function tick() {
    if (!o || readOnly) open();
    checkFile();
    drain();
    sync();
    checkpointer.tick();
  }

  // Records the last process answered but had not yet committed: into the database before anything reads it.
  const left = writer.recover();
  const opened = open();
  // A database that could not be read at start may hold seqs above the summary's: numbers from the clock
  // (µs) cannot collide with them, so queued records never overwrite or get dropped as duplicates.
  if (!opened && !o) seq = Math.max(seq, deps.clock.now() * 1000);
  if (left.length) {
    for (const q of left) seq = Math.max(seq, q.seq);
    writer.commitNow(left);
    log.info('wrote the requests the last run answered but had not yet committed to the history database', { requests: left.length });
  }
  writer.openJournal();

  // A read sees every record appended before it: this tick's group and the journaled ones are written first.
  const reads = createHistoryReads({ db: () => o, settle: () => writer.settle(), queue });
  const archive = createRollupArchive({ db: () => o, wrote: (rows) => checkpointer.wrote(rows) });

  const pruner = createPruner({
    db: () => (readOnly ? null : (o?.db ?? null)),
    cutoff: () => deps.clock.now() - deps.retentionDays() * 86_400_000,
    log,
    everyMs: deps.pruneMs,
  });

  return {
    append(r) {
      const s = ++seq;
      writer.add({ seq: s, r });
      return s;
    },
    afterWrite: (cb) => writer.afterWrite(cb),
    durable: () => writer.durable(),
    get lastSeq() {
      return seq;
    },
    ...reads,
    ...archive,
    tick,
    start() {
      if (timer) return;
      timer = setInterval(tick, deps.tickMs ?? 1000);
      timer.unref();
      pruner.start();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      pruner.stop();
      writer.settle();
      drain();
      // Both background connections close before the journal mode changes, which needs the only one.
      commits?.stop();
      checkpointer.stop();
      try {
        // Folds the log back into the file and leaves it in rollback-journal mode: the next start opens one file,
        // and can read it even from a folder it cannot write (openReadOnly).
        if (o && !readOnly) o.db.pragma('journal_mode = DELETE');
      } catch {}
      close();
      writer.closeJournal();
      // Empty once everything is in the database; kept (with what it holds) when the database could not be written.
      if (queue.length === 0) removeJournal(journalFile);
    },
    problems() {
      const out = [...(problem ? [problem] : []), ...(notice ? [notice] : [])];
      if (writer.dropped) out.push(`${writer.dropped} requests were dropped from the history queue while the database could not be written`);
      return out;
    },
    get queued() {
      return queue.length;
    },
    file,
    room: () => writer.room(),
  };
}
