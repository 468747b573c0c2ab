import type Database from 'better-sqlite3';
import type { RequestRecord } from '../../contract/usage.js';
import { encode, encodeNamed, type Names } from './codec.js';
import type { CommitWorker } from './commit-worker.js';
import { openJournal, readJournal, type Journal } from './journal.js';

export const MAX_QUEUE = 100_000;
/** How long answered records wait in the journal for their commit, and how many make a commit at once. */
const FLUSH_MS = 50;
const FLUSH_ROWS = 256;
/**
 * Rows the worker takes at a time: encoding and posting them costs the main thread about 1 µs a row, so a
 * segment that grew long while the worker was busy (or starting) is sent in parts, never in one long pause.
 */
const CHUNK_ROWS = 512;
/** Records journaled and not yet committed past which appends wait for the worker (a few MB of records). */
const MAX_BACKLOG = 8 * CHUNK_ROWS;
/**
 * The backlog under which room() resolves: bulk writers (the log import) wait for it between slices, so the
 * proxy's appends never reach MAX_BACKLOG and block the event loop behind the worker.
 */
const ROOM_ROWS = 2 * CHUNK_ROWS;
/** How long room() waits at most: a bulk writer is paced, never stopped (MAX_BACKLOG still bounds memory). */
const ROOM_WAIT_MS = 1_000;

const imported = (q: Pending) => q.r.source === 'logs';

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
 *
 * The commits run on a worker thread where one can start (commit-worker.ts), one batch at a time: the journal
 * segment that holds a batch is emptied once the worker says it is in the database, and the records journaled
 * meanwhile wait, in the other segment, for the next. Commits of faults (a journal that cannot be written, the
 * queue once the database can be written again) and of a worker that stopped stay on the main thread.
 */
export interface HistoryWriter {
  /** Takes a record with its seq; afterWrite's callbacks run once it is on disk. */
  add(q: Pending): void;
  afterWrite(cb: () => void): void;
  /** Resolves once every record added so far is on disk: journaled (its background write landed) or committed. */
  durable(): Promise<void>;
  /** Every record added so far in the database, or in the queue if it cannot be written: before reads. */
  settle(): void;
  /** Waits for the batch the worker is committing (before the database file is replaced under it). */
  quiesce(): void;
  /**
   * Resolves once the records added and not yet in the database (the fault queue aside) are at most ROOM_ROWS, or
   * after ROOM_WAIT_MS: bulk writers pace themselves on it.
   */
  room(): Promise<void>;
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

interface Sealed {
  g: Pending[];
  /** Records before this one are done with; the chunk after it is at the worker. */
  at: number;
  chunk: number;
  segment: number | null;
}

export function createHistoryWriter(d: {
  journalFile: string;
  target: () => WriteTarget | null;
  /** A commit failed: the caller reports it, or replaces a damaged file. */
  failed: (err: unknown) => void;
  /** Rows committed (for the group sync and the checkpointer). */
  wrote: (rows: number) => void;
  /** Commits off the main thread; absent, every commit is made here. */
  worker?: CommitWorker;
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
  /** The journal segment the worker is committing, a chunk at a time: its records, and how far it got. */
  let inFlight: Sealed | null = null;
  /** A flush came while a segment was in flight: it runs when that one is done. */
  let flushWanted = false;
  let roomWaiters: (() => void)[] = [];

  const backlog = () => group.length + journaled.length + (inFlight ? inFlight.g.length - inFlight.at : 0);
  /** Wakes the bulk writers once the backlog is low enough (called wherever it shrinks). */
  function wakeRoom() {
    if (roomWaiters.length === 0 || backlog() > ROOM_ROWS) return;
    const w = roomWaiters;
    roomWaiters = [];
    for (const cb of w) cb();
  }

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
      // IMMEDIATE: the write lock is taken (waiting for the worker's commit) before anything is read.
      t.db
        .transaction(() => {
          for (const q of g) t.insert.run(encode(t.names, q.seq, q.r));
        })
        .immediate();
      d.wrote(g.length);
    } catch (err) {
      // Nothing of a failed transaction is kept: the whole group waits in memory (and is counted) until it can be written.
      for (const q of g) enqueue(q);
      d.failed(err);
    }
  }

  /** Every record journaled is in the database: the journal starts again. */
  function clearIfDone() {
    if (journaled.length === 0 && queue.length === 0 && !inFlight) journal?.clear();
  }

  function flush() {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (inFlight) {
      flushWanted = true;
      return;
    }
    flushWanted = false;
    const j = journaled;
    journaled = [];
    if (j.length && d.worker?.working && d.target() && queue.length === 0) {
      inFlight = { g: j, at: 0, chunk: 0, segment: journal?.seal() ?? null };
      if (sendChunk(inFlight)) return;
      inFlight = null;
    }
    if (j.length) commitNow(j);
    clearIfDone();
    wakeRoom();
  }

  /** Sends the segment's next chunk to the worker; false when it cannot take it. */
  function sendChunk(s: Sealed): boolean {
    const rows: unknown[][] = [];
    for (let i = s.at; i < s.g.length && rows.length < CHUNK_ROWS; i++) rows.push(encodeNamed(s.g[i]!.seq, s.g[i]!.r));
    s.chunk = rows.length;
    return d.worker!.post(rows, (result) => committed(s, result));
  }

  /** The worker is done with a chunk. */
  function committed(s: Sealed, result: Error | 'lost' | null) {
    const chunk = s.g.slice(s.at, s.at + s.chunk);
    s.at += s.chunk;
    if (result === null) d.wrote(chunk.length);
    else if (result === 'lost') commitNow(chunk);
    else {
      // As in commitNow: the chunk waits in memory, and stays in the journal, until it can be written.
      for (const q of chunk) enqueue(q);
      d.failed(result);
    }
    if (s.at < s.g.length) {
      if (queue.length === 0 && d.target() && sendChunk(s)) return;
      commitNow(s.g.slice(s.at));
    }
    inFlight = null;
    // Records that failed are in the queue, and stay in the journal until it is written (clearIfDone).
    if (queue.length === 0 && s.segment !== null) journal?.release(s.segment);
    if (flushWanted || journaled.length >= FLUSH_ROWS) flush();
    else if (journaled.length && !flushTimer) {
      flushTimer = setTimeout(flush, FLUSH_MS);
      flushTimer.unref();
    } else clearIfDone();
    wakeRoom();
  }

  function commitGroup() {
    groupScheduled = false;
    const g = group;
    const w = waiters;
    group = [];
    waiters = [];
    if (g.length) {
      // No answer ends with records imported from the coding tools' logs: a group of only those is journaled on
      // libuv's threads, where writing it on the event loop, to a disk the import kept busy, stalled every proxied
      // call for up to 48 ms. (Should the process die before the write lands, the logs still hold those calls.)
      if (journal && queue.length === 0 && d.target() && journal.write(g, g.every(imported))) {
        for (const q of g) journaled.push(q);
        if (journaled.length >= FLUSH_ROWS) flush();
        else if (!flushTimer) {
          flushTimer = setTimeout(flush, FLUSH_MS);
          flushTimer.unref();
        }
      } else commitNow(g);
    }
    for (const cb of w) cb();
    // Appends faster than the worker commits (a starved core during a long import) would pile up in memory: past
    // MAX_BACKLOG this thread waits for the worker, as it waited for its own commits before there was one.
    while (inFlight && journaled.length + inFlight.g.length - inFlight.at > MAX_BACKLOG) d.worker!.wait();
    wakeRoom();
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
    durable() {
      const landed = () => journal?.landed() ?? Promise.resolve();
      if (!groupScheduled) return landed();
      // This tick's group is journaled (or committed) first.
      return new Promise<void>((resolve) => waiters.push(() => void landed().then(resolve)));
    },
    settle() {
      if (groupScheduled) commitGroup();
      while (journaled.length || inFlight) {
        if (inFlight) d.worker!.wait();
        else flush();
      }
    },
    quiesce() {
      if (inFlight) d.worker!.wait();
    },
    room() {
      if (backlog() <= ROOM_ROWS) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ROOM_WAIT_MS);
        roomWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    },
    drain() {
      const t = d.target();
      if (!t || queue.length === 0) return queue.length === 0;
      try {
        t.db
          .transaction(() => {
            for (const q of queue) t.insert.run(encode(t.names, q.seq, q.r));
          })
          .immediate();
        d.wrote(queue.length);
        queue.length = 0;
        clearIfDone();
        wakeRoom();
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
