import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { DocumentStore } from './document-store.js';

export interface Persistence {
  /** Register a section: its snapshot is taken only when it is dirty and a flush runs. */
  section(name: string, snapshot: () => unknown): () => void;
  /** Flush now (shutdown, tests). Returns false when the write failed. */
  flush(): boolean;
  start(): void;
  stop(): void;
  /** The last write error in words, or null. */
  readonly lastError: string | null;
  readonly writes: number;
}

/**
 * Coalesces writes: modules mark their section dirty on every change, and one timer writes all dirty sections
 * at most every `intervalMs`. No write ever happens on a request's path; a crash loses at most one interval.
 */
export function createPersistence(deps: {
  store: DocumentStore;
  log: Logger;
  clock: Clock;
  intervalMs?: number;
  onError?: (message: string | null) => void;
}): Persistence {
  const intervalMs = deps.intervalMs ?? 1000;
  const sections = new Map<string, () => unknown>();
  const dirty = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let lastError: string | null = null;
  let writes = 0;

  const schedule = () => {
    if (!running || timer) return;
    timer = setTimeout(() => {
      timer = null;
      flush();
    }, intervalMs);
    // A pending flush must not keep a stopping process alive; stop() flushes explicitly.
    timer.unref();
  };

  function flush(): boolean {
    if (dirty.size === 0) return true;
    const names = [...dirty];
    dirty.clear();
    const out: Record<string, unknown> = {};
    for (const n of names) out[n] = sections.get(n)?.();
    try {
      deps.store.write(out);
      writes++;
      if (lastError) {
        lastError = null;
        deps.onError?.(null);
        deps.log.info('data file writable again', { path: deps.store.path });
      }
      return true;
    } catch (err) {
      // Keep the sections dirty so the next flush retries; the in-memory copy stays authoritative.
      for (const n of names) dirty.add(n);
      const message = `could not save to ${deps.store.path ?? 'memory'}: ${(err as Error).message}`;
      if (message !== lastError) deps.log.error(message);
      lastError = message;
      deps.onError?.(message);
      schedule();
      return false;
    }
  }

  return {
    section(name, snapshot) {
      sections.set(name, snapshot);
      return () => {
        dirty.add(name);
        schedule();
      };
    },
    flush,
    start() {
      running = true;
      if (dirty.size) schedule();
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      flush();
    },
    get lastError() {
      return lastError;
    },
    get writes() {
      return writes;
    },
  };
}
