import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../util/log.js';

/**
 * WAL checkpoints off the event loop. SQLite copies the log back into the database file (and fsyncs it) in the
 * commit that crosses `wal_autocheckpoint`, on the thread that commits: here the main thread, between answers.
 * Measured on this machine, 400,000 rows in commits of 100: p99 commit 28.6 ms and 12.9 s in all with the
 * default automatic checkpoints, 8.2 ms and 5.1 s without them. So the writing connection never checkpoints,
 * and a worker thread with its own connection runs PASSIVE checkpoints (which never block the writer) once
 * enough rows were written, or a second after the last. The worker starts with the first write and leaves after
 * half a minute without any, so an idle Tollgate does not keep a second V8 isolate.
 */
export interface Checkpointer {
  /** After a commit of `rows` rows. */
  wrote(rows: number): void;
  /** From the history's timer: a checkpoint for rows written since the last one. */
  tick(): void;
  /**
   * Closes the worker's connection and waits for it (up to 2 s): the caller may switch the journal mode next,
   * which needs the only connection.
   */
  stop(): void;
  /** False once the worker failed: the caller turns automatic checkpoints back on. */
  readonly working: boolean;
}

/** About 4 MB of log at 1–3 kB per row with its index pages, SQLite's own default threshold. */
const ROWS_PER_CHECKPOINT = 1_500;
const IDLE_MS = 30_000;
/** 64 MB of 4 kB pages. */
const CATCH_UP_FRAMES = 16_384;

// CommonJS, evaluated as the worker's script: no file to bundle or find next to the built main.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const closed = new Int32Array(workerData.closed);
let db = null;
parentPort.on('message', (m) => {
  if (m === 'close') {
    try { if (db) db.close(); } catch {}
    db = null;
    Atomics.store(closed, 0, 1);
    Atomics.notify(closed, 0);
    parentPort.close();
    return;
  }
  try {
    if (!db) { db = new Database(workerData.file, { fileMustExist: true }); db.pragma('busy_timeout = 2000'); }
    // Rounds until every frame is back in the file: frames the writer appended during a round are copied in the
    // next, shorter one, and a log whose every frame was copied is started again from its beginning by the
    // writer's next commit, which keeps it near its threshold instead of growing.
    let r;
    for (let round = 0; round < 8; round++) {
      r = db.pragma('wal_checkpoint(PASSIVE)')[0];
      if (r.busy || r.checkpointed >= r.log) break;
    }
    parentPort.postMessage({ ok: true, log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String((e && e.message) || e) });
  }
});
`;

export function createCheckpointer(deps: {
  file: string;
  log: Logger;
  onFailed: () => void;
  /**
   * A PASSIVE checkpoint on the writing connection. Called when commits kept coming so fast that the log grew
   * past 64 MB: the worker has copied nearly all of it, so this copies only the last frames, and the writer's
   * next commit starts the log again.
   */
  catchUp: () => void;
  idleMs?: number;
  /** The SQLite binding the worker loads (tests point it elsewhere to see a worker fail). */
  sqliteModule?: string;
}): Checkpointer {
  let worker: Worker | null = null;
  let closed: Int32Array | null = null;
  let busy = false;
  let pending = 0;
  let working = true;
  let idle: NodeJS.Timeout | null = null;

  const fail = (why: string) => {
    if (!working) return;
    working = false;
    deps.log.warn('history: checkpoints in the background stopped; SQLite checkpoints in the writing thread again', { why });
    close(false);
    deps.onFailed();
  };

  function start(): Worker | null {
    if (worker) return worker;
    try {
      const shared = new SharedArrayBuffer(4);
      closed = new Int32Array(shared);
      const sqlite = deps.sqliteModule ?? createRequire(import.meta.url).resolve('better-sqlite3');
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: deps.file, sqlite, closed: shared } });
      w.unref();
      w.on('message', (m: { ok: boolean; error?: string; log?: number }) => {
        busy = false;
        if (!m.ok) deps.log.warn('history: a background checkpoint failed', { error: m.error });
        else if ((m.log ?? 0) > CATCH_UP_FRAMES) deps.catchUp();
        else if (pending >= ROWS_PER_CHECKPOINT) run();
      });
      w.on('error', (err) => fail(err.message));
      w.on('exit', () => {
        if (worker === w) {
          worker = null;
          busy = false;
        }
      });
      worker = w;
      return w;
    } catch (err) {
      fail((err as Error).message);
      return null;
    }
  }

  function run() {
    if (busy || !working) return;
    const w = start();
    if (!w) return;
    busy = true;
    pending = 0;
    w.postMessage('check');
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => close(false), deps.idleMs ?? IDLE_MS);
    idle.unref();
  }

  function close(wait: boolean) {
    if (idle) clearTimeout(idle);
    idle = null;
    const w = worker;
    if (!w) return;
    worker = null;
    busy = false;
    w.postMessage('close');
    // A checkpoint in progress finishes first (the worker reads its messages in order).
    if (wait && closed) Atomics.wait(closed, 0, 0, 2_000);
  }

  return {
    wrote(rows) {
      if (!working) return;
      pending += rows;
      if (pending >= ROWS_PER_CHECKPOINT) run();
    },
    tick() {
      if (pending > 0) run();
    },
    stop: () => close(true),
    get working() {
      return working;
    },
  };
}
