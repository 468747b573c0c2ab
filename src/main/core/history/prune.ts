import type Database from 'better-sqlite3';
import type { Logger } from '../util/log.js';

/** Rows deleted per step: a few milliseconds of work, so requests in between never wait long. */
export const PRUNE_BATCH = 2000;

/**
 * Retention: requests older than the cutoff are deleted in small batches, one batch per turn of the event loop,
 * so even the first prune of a large, long-unpruned history never pauses the proxy for long. Day rollups are
 * kept: they are the totals, and small.
 */
export function createPruner(deps: { db: () => Database.Database | null; cutoff: () => number; log: Logger; everyMs?: number; batch?: number }) {
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  const batch = deps.batch ?? PRUNE_BATCH;

  /** Deletes one batch; returns how many rows went. */
  function step(): number {
    const db = deps.db();
    if (!db) return 0;
    try {
      return db.prepare('DELETE FROM requests WHERE seq IN (SELECT seq FROM requests WHERE ts < ? ORDER BY ts LIMIT ?)').run(deps.cutoff(), batch).changes;
    } catch (err) {
      deps.log.warn('history pruning failed; it will be tried again', { error: (err as Error).message });
      return 0;
    }
  }

  function run() {
    if (running) return;
    running = true;
    let total = 0;
    const next = () => {
      const n = step();
      total += n;
      if (n === batch && timer) setTimeout(next, 5).unref();
      else {
        running = false;
        if (total) deps.log.info('history pruned', { rows: total });
      }
    };
    next();
  }

  return {
    step,
    run,
    start() {
      if (timer) return;
      timer = setInterval(run, deps.everyMs ?? 60_000);
      timer.unref();
      setTimeout(run, 1000).unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
