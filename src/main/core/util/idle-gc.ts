import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * One full garbage collection once the server has gone quiet after traffic. Under load V8 promotes the requests'
 * survivors into the old generation and collects it only when that reaches its limit, so an idle Tollgate kept
 * 5–6 MB of old space that a collection frees (bench/memory.ts: 20 MB resident, 14.5 MB after one). V8's memory
 * reducer does this collection on its own only after a full one happened under load, which a short burst does
 * not reach: the idle figure then depended on the traffic's length. The collection takes tens of ms (up to
 * ~150) on the main thread, once per quiet spell, never while requests come; a request that arrives during it
 * waits for it. It also gives back the young generation V8 grew under load (bench/memory.ts: 1 MB resident
 * after it, where 2 × 16 MB stayed before); capping that growth instead cost a quarter of the throughput with
 * 100 budgets (README, Performance).
 */
export interface IdleGc {
  /** A request was served: called once per request, so it only counts. */
  activity(): void;
  start(): void;
  stop(): void;
}

export function createIdleGc(d: {
  /** Collects; from exposeGc(). */
  gc: () => void;
  now?: () => number;
  /** Quiet this long after the last activity before collecting (default 30 s). */
  quietMs?: number;
  /** How often the count is looked at (default 5 s): the collection comes 30–35 s after the last request. */
  checkMs?: number;
}): IdleGc {
  const now = d.now ?? Date.now;
  const quietMs = d.quietMs ?? 30_000;
  let count = 0;
  let seen = 0;
  let quietSince = now();
  let collectedAt = 0;
  let timer: NodeJS.Timeout | null = null;

  function check() {
    if (count !== seen) {
      seen = count;
      quietSince = now();
      return;
    }
    if (collectedAt === count || now() - quietSince < quietMs) return;
    collectedAt = count;
    d.gc();
  }

  return {
    activity() {
      count++;
    },
    start() {
      if (timer) return;
      timer = setInterval(check, d.checkMs ?? 5_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

/**
 * V8's gc() without starting Node with --expose-gc: the flag is honoured by contexts created after it is set,
 * so a new context hands the function over, and the flag goes back off (later contexts get no `gc` global).
 * Null when V8 refuses.
 */
export function exposeGc(): (() => void) | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    if (typeof gc !== 'function') return null;
    return () => {
      // Compacting, for this one collection: without it V8 moves objects only off badly fragmented pages, and
      // the old generation's resident size barely shrinks (17 → 17 MB where compacting gives 17 → 7 MB, in a
      // 6 MB live set of small objects); the pause is longer (tens of ms, up to ~150 on this machine).
      v8.setFlagsFromString('--compact-on-every-full-gc');
      try {
        (gc as () => void)();
      } finally {
        v8.setFlagsFromString('--no-compact-on-every-full-gc');
      }
    };
  } catch {
    return null;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}

/**
 * The idle collection as both entry points run it (serve.ts, the Electron main): armed when V8 hands over gc,
 * counting each recorded request as activity. Null where gc cannot be had.
 */
export function startIdleGc(onRequest: (f: () => void) => void): IdleGc | null {
  const gc = exposeGc();
  if (!gc) return null;
  const idle = createIdleGc({ gc });
  onRequest(() => idle.activity());
  idle.start();
  return idle;
}
