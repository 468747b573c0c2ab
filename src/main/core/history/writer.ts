import type Database from 'better-sqlite3';
import type { RequestRecord } from '../../contract/usage.js';
import { encode, type Names } from './codec.js';
import { openJournal, readJournal, type Journal } from './journal.js';

export const MAX_QUEUE = 100_000;
/** How long answered records wait in the journal for their commit, and how many make a commit at once. */
const FLUSH_MS = 50;
const FLUSH_ROWS = 256;

export interface Pending {
  seq: number;
  r: RequestRecord;
}

/** Where records go: null while the database cannot be written (then they wait in the queue). */
export interface WriteTarget {
  db: Database.Database;
  names: Names;
  insert: Database.Statement;
}

/**
 * The history's write path: records appended in one tick are written to the journal in one write at the end of
 * it, and the answers waiting on them end after it (journal.ts). The database takes them in commits of up to
 * FLUSH_ROWS, at most FLUSH_MS later (a commit writes every index page it touched to the WAL: about 50 µs of CPU
 * for one record, 12 µs each for 16). Without a journal (a folder it cannot be created in) each group is
 * committed at once. While the database cannot be written, records wait in a bounded queue in memory.
 */
export interface HistoryWriter {
  /** Takes a record with its seq; afterWrite's callbacks run once it is on disk. */
  add(q: Pending): void;
  afterWrite(cb: () => void): void;
  /** Every record added so far in the database, or in the queue if it cannot be written: before reads. */
  settle(): void;
  /** Writes the queue once the database can be written again; true when nothing waits. */
  drain(): boolean;
  /** The records the last process journaled but never committed (read before the journal opens). */
  recover(): Pending[];
  /** Opens the journal; the recovered records must have been committed or queued first. */
  openJournal(): void;
  commitNow(g: Pending[]): void;
  syncJournal(): void;
  closeJournal(): void;
  readonly queue: readonly Pending[];
  readonly dropped: number;
}

export function createHistoryWriter(d: {
  journalFile: string;
  target: () => WriteTarget | null;
  /** A commit failed: the caller reports it, or replaces a damaged file. */
  failed: (err: unknown) => void;
  /** Rows committed (for the group sync and the checkpointer). */
  wrote: (rows: number) => void;
}): HistoryWriter {
  const queue: Pending[] = [];
  let dropped = 0;
  let group: Pending[] = [];
  let waiters: (() => void)[] = [];
  let groupScheduled = false;
  /** Journaled, not yet in the database. */
  let journaled: Pending[] = [];
  let flushTimer: NodeJS.Timeout | null = null;
  let journal: Journal | null = null;

  function enqueue(q: Pending) {
    queue.push(q);
    if (queue.length > MAX_QUEUE) {
      queue.shift();
      dropped++;
    }
  }

  function commitNow(g: Pending[]) {
    const t = d.target();
    if (!t || queue.length > 0) {
      for (const q of g) enqueue(q);
      return;
    }
    try {
      t.db.transaction(() => {
        for (const q of g) t.insert.run(encode(t.names, q.seq, q.r));
      })();
      d.wrote(g.length);
    } catch (err) {
      // Nothing of a failed transaction is kept: the whole group waits in memory (and is counted) until it can be written.
      for (const q of g) enqueue(q);
      d.failed(err);
    }
  }

  function flush() {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    const j = journaled;
    journaled = [];
    if (j.length) commitNow(j);
    if (journaled.length === 0 && queue.length === 0) journal?.clear();
  }

  function commitGroup() {
    groupScheduled = false;
    const g = group;
    const w = waiters;
    group = [];
    waiters = [];
    if (g.length) {
      if (journal && queue.length === 0 && d.target() && journal.write(g)) {
        for (const q of g) journaled.push(q);
        if (journaled.length >= FLUSH_ROWS) flush();
        else if (!flushTimer) {
          flushTimer = setTimeout(flush, FLUSH_MS);
          flushTimer.unref();
        }
      } else commitNow(g);
    }
    for (const cb of w) cb();
  }

  return {
    add(q) {
      if (!d.target() || queue.length > 0) return enqueue(q);
      group.push(q);
      if (!groupScheduled) {
        groupScheduled = true;
        setImmediate(commitGroup);
      }
    },
    afterWrite(cb) {
      if (groupScheduled) waiters.push(cb);
      else cb();
    },
    settle() {
      if (groupScheduled) commitGroup();
      if (journaled.length) flush();
    },
    drain() {
      const t = d.target();
      if (!t || queue.length === 0) return queue.length === 0;
      try {
        t.db.transaction(() => {
          for (const q of queue) t.insert.run(encode(t.names, q.seq, q.r));
        })();
        d.wrote(queue.length);
        queue.length = 0;
        if (journaled.length === 0) journal?.clear();
        return true;
      } catch (err) {
        d.failed(err);
        return false;
      }
    },
    recover: () => readJournal(d.journalFile),
    openJournal() {
      journal = openJournal(d.journalFile);
      if (journal && queue.length === 0) journal.clear();
    },
    commitNow,
    syncJournal: () => journal?.sync(),
    closeJournal() {
      journal?.close();
      journal = null;
    },
    get queue() {
      return queue;
    },
    get dropped() {
      return dropped;
    },
  };
}
