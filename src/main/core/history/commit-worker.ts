import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Logger } from '../util/log.js';
import { COLUMNS, NAME_COLUMNS } from './codec.js';
import { CACHE_KIB } from './db.js';

/**
 * The history's commits off the event loop. A commit of a few hundred rows into the requests table (eight
 * indexes) is several milliseconds of CPU, and during a log import they came every 50 ms on the main thread:
 * proxied calls waited behind them (issue 12: a p99 of 35 ms during a 1 GB import against 10 ms idle; 1.7× with
 * the history off). Here a worker thread with its own connection commits the rows the main thread encoded
 * (names as text, its connection numbers them), and says when each batch is in the database. The main thread
 * keeps its connection for reads, and for the rare writes of faults, archives and pruning.
 *
 * The worker starts with the first batch and leaves after half a minute without any, so an idle Tollgate does
 * not keep a second V8 isolate. Where it cannot start (or dies), working turns false, every batch it had is
 * handed back as lost, and the caller commits on the main thread as before.
 */
export interface CommitWorker {
  /**
   * Sends one batch of encoded rows (codec.ts encodeNamed) to be committed in one transaction; `done` runs once
   * it is: null when committed, the error when the commit failed (nothing of it kept), 'lost' when the worker
   * stopped first (the caller commits it). False when there is no worker: the caller commits itself.
   */
  post(rows: unknown[][], done: (result: Error | 'lost' | null) => void): boolean;
  /** Blocks until every batch sent has its `done` run (a read must see what was appended before it). */
  wait(): void;
  /** The database file was replaced or reopened: the worker opens it again before its next batch. */
  reopen(): void;
  /**
   * A PASSIVE checkpoint on the worker's connection, between its commits (checkpointer.ts's catch-up for a log
   * that grew past 64 MB). False when no worker is running: the caller runs it on its own connection.
   */
  checkpoint(): boolean;
  /** Closes the worker's connection and waits for it (up to 2 s): the caller may switch the journal mode next. */
  stop(): void;
  readonly working: boolean;
  /** Batches sent whose `done` has not yet run. */
  readonly inFlight: number;
}

/** Shared words: the last batch handled, whether the connection is closed, whether the worker broke. */
const HANDLED = 0;
const CLOSED = 1;
const BROKEN = 2;
const IDLE_MS = 30_000;
/** How long a read waits for the worker before giving it up (a commit takes milliseconds; a busy disk, more). */
const WAIT_MS = 10_000;
const WORKER_YOUNG_MB = 4;

// CommonJS, evaluated as the worker's script, as in checkpointer.ts: no file to bundle or find next to the built main.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const shared = new Int32Array(workerData.shared);
const port = workerData.port;
const [HANDLED, CLOSED, BROKEN] = [0, 1, 2];
let Database;
try { Database = require(workerData.sqlite); } catch (e) {
  Atomics.store(shared, BROKEN, 1);
  Atomics.notify(shared, HANDLED);
  throw e;
}
const nameColumns = workerData.nameColumns;
let db = null, insert = null, byText = null, idOf = null, addName = null, autocheckpoint = 0;
function close() {
  try { if (db) db.close(); } catch {}
  db = null;
}
function open() {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 2000');
  db.pragma('cache_size = ' + workerData.cacheKib);
  db.pragma('wal_autocheckpoint = ' + autocheckpoint);
  db.pragma('journal_size_limit = ' + 8 * 1024 * 1024);
  insert = db.prepare('INSERT OR IGNORE INTO requests (' + workerData.columns + ') VALUES (' + workerData.columns.split(',').map(() => '?').join(',') + ')');
  idOf = db.prepare('SELECT id FROM names WHERE s = ?').pluck();
  addName = db.prepare('INSERT INTO names (s) VALUES (?)');
  byText = new Map();
}
function name(s) {
  let n = byText.get(s);
  if (n === undefined) {
    n = idOf.get(s);
    if (n === undefined) n = Number(addName.run(s).lastInsertRowid);
    byText.set(s, n);
  }
  return n;
}
parentPort.on('message', (m) => {
  if (m.type === 'close') {
    close();
    Atomics.store(shared, CLOSED, 1);
    Atomics.notify(shared, CLOSED);
    parentPort.close();
    port.close();
    return;
  }
  if (m.type === 'reopen') {
    close();
    autocheckpoint = m.autocheckpoint;
    return;
  }
  if (m.type === 'checkpoint') {
    try { if (db) db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
    return;
  }
  let error = null;
  try {
    if (!db) open();
    // IMMEDIATE: the write lock is taken (waiting for the main connection's rare writes) before anything is read.
    db.transaction(() => {
      for (const row of m.rows) {
        for (const i of nameColumns) if (typeof row[i] === 'string') row[i] = name(row[i]);
        insert.run(row);
      }
    }).immediate();
  } catch (e) {
    error = { message: String((e && e.message) || e), code: e && e.code };
    // Names added in the rolled-back transaction are not in the table: the cache starts again.
    byText = new Map();
    close();
  }
  port.postMessage({ id: m.id, error });
  Atomics.store(shared, HANDLED, m.id);
  Atomics.notify(shared, HANDLED);
});
`;

export function createCommitWorker(deps: {
  file: string;
  log: Logger;
  /** wal_autocheckpoint for the worker's connection: 0 while checkpointer.ts checkpoints in the background. */
  autocheckpoint: () => number;
  idleMs?: number;
  /** The SQLite binding the worker loads (tests point it elsewhere to see a worker fail). */
  sqliteModule?: string;
}): CommitWorker {
  let worker: Worker | null = null;
  let port: MessagePort | null = null;
  let shared: Int32Array | null = null;
  let working = true;
  let nextId = 1;
  const inFlight = new Map<number, (result: Error | 'lost' | null) => void>();
  let idle: NodeJS.Timeout | null = null;
  /** Workers let go while idle, whose connection may still be closing: stop() waits for them too. */
  const closing: Int32Array[] = [];

  function handle(m: { id: number; error: { message: string; code?: string } | null }) {
    const done = inFlight.get(m.id);
    if (!done) return;
    inFlight.delete(m.id);
    done(m.error ? Object.assign(new Error(m.error.message), { code: m.error.code }) : null);
  }

  /** Runs `done` for every answer already sent, now, on this thread. */
  function pump() {
    for (let m = port && receiveMessageOnPort(port); m; m = port && receiveMessageOnPort(port)) handle(m.message as Parameters<typeof handle>[0]);
  }

  const fail = (why: string) => {
    if (!working) return;
    working = false;
    closing.length = 0;
    deps.log.warn('history: commits in the background stopped; the history commits on the main thread again', { why });
    const w = worker;
    pump();
    close(false);
    void w?.terminate();
    const lost = [...inFlight.values()];
    inFlight.clear();
    for (const done of lost) done('lost');
  };

  function start(): Worker | null {
    if (worker) return worker;
    try {
      const sab = new SharedArrayBuffer(12);
      const channel = new MessageChannel();
      const sqlite = deps.sqliteModule ?? createRequire(import.meta.url).resolve('better-sqlite3');
      const w = new Worker(WORKER_SOURCE, {
        eval: true,
        // Its garbage is the batches it is sent (a few hundred KB each): a small young generation holds them, where
        // V8's default lets it grow to tens of MB of RSS during a long import (issue 12's 200 MB bound).
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
        // The main connection's page cache size (db.ts): SQLite's build default let a month's import grow this
        // connection's to 16 MB.
        workerData: { file: deps.file, sqlite, shared: sab, port: channel.port2, columns: COLUMNS, nameColumns: NAME_COLUMNS, cacheKib: CACHE_KIB },
        transferList: [channel.port2],
      });
      w.unref();
      channel.port1.on('message', handle);
      channel.port1.unref();
      w.on('error', (err) => fail(err.message));
      w.on('exit', () => {
        if (worker === w) fail('the worker exited');
      });
      w.postMessage({ type: 'reopen', autocheckpoint: deps.autocheckpoint() });
      worker = w;
      port = channel.port1;
      shared = new Int32Array(sab);
      return w;
    } catch (err) {
      fail((err as Error).message);
      return null;
    }
  }

  function close(wait: boolean) {
    if (idle) clearTimeout(idle);
    idle = null;
    const w = worker;
    const s = shared;
    if (!w) return;
    worker = null;
    w.postMessage({ type: 'close' });
    // Batches sent before it are committed first (the worker reads its messages in order).
    if (wait && s) Atomics.wait(s, CLOSED, 0, 2_000);
    else if (s && working) {
      // Only the last few can still be closing.
      for (let i = closing.length - 1; i >= 0; i--) if (Atomics.load(closing[i]!, CLOSED)) closing.splice(i, 1);
      closing.push(s);
    }
    pump();
    port?.close();
    port = null;
    shared = null;
  }

  function armIdle() {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => (inFlight.size === 0 ? close(false) : armIdle()), deps.idleMs ?? IDLE_MS);
    idle.unref();
  }

  function wait() {
    const deadline = Date.now() + WAIT_MS;
    while (inFlight.size > 0 && shared && working) {
      const last = Math.max(...inFlight.keys());
      const handled = Atomics.load(shared, HANDLED);
      if (handled >= last) {
        pump();
        continue;
      }
      if (Atomics.load(shared, BROKEN)) return fail('the worker could not load SQLite');
      const left = deadline - Date.now();
      if (left <= 0) return fail(`no answer from the worker in ${WAIT_MS / 1000} s`);
      Atomics.wait(shared, HANDLED, handled, Math.min(left, 100));
      pump();
    }
  }

  return {
    post(rows, done) {
      if (!working) return false;
      const w = start();
      if (!w) return false;
      const id = nextId++;
      inFlight.set(id, done);
      w.postMessage({ type: 'batch', id, rows });
      armIdle();
      return true;
    },
    wait,
    reopen() {
      worker?.postMessage({ type: 'reopen', autocheckpoint: deps.autocheckpoint() });
    },
    checkpoint() {
      if (!worker) return false;
      worker.postMessage({ type: 'checkpoint' });
      return true;
    },
    stop() {
      wait();
      close(true);
      for (const s of closing.splice(0)) Atomics.wait(s, CLOSED, 0, 2_000);
    },
    get working() {
      return working;
    },
    get inFlight() {
      return inFlight.size;
    },
  };
}
