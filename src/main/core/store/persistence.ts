import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { DocumentStore, FileChange } from './document-store.js';

export interface Persistence {
  /** Register a section: its snapshot is taken only when it is dirty and a flush runs. */
  section(name: string, snapshot: () => unknown): () => void;
  /** Flush now (shutdown, tests). Returns false when the write failed. */
  flush(): boolean;
  start(): void;
  stop(): void;
  /** The last write error in words, or null. */
  readonly lastError: string | null;
  /** What the status screen should say about the data file: the last write error, and a file changed behind our back. */
  problems(): string[];
  readonly writes: number;
}

/**
 * Coalesces writes: modules mark their section dirty on every change, and one timer writes all dirty sections
 * at most every `intervalMs`. No write ever happens on a request's path; a crash loses at most one interval.
 *
 * The in-memory copy is authoritative. Every `checkMs` (and before each flush) the file is compared with what
 * was last written; a file removed, truncated or overwritten by something else is rewritten from memory at
 * once, and reported, rather than left for the next change to repair (or for a crash to make permanent).
 */
export function createPersistence(deps: {
  store: DocumentStore;
  log: Logger;
  clock: Clock;
  intervalMs?: number;
  checkMs?: number;
  /** Called whenever problems() changes. */
  onProblems?: () => void;
  /**
   * Resolves once what the sections' snapshots count is on disk elsewhere (the history: the records they count).
   * A timed flush takes its snapshots, waits for it, then writes: a process killed in between leaves the previous
   * file, never one that counts records a restart cannot find.
   */
  durable?: () => Promise<void>;
}): Persistence {
  const intervalMs = deps.intervalMs ?? 1000;
  const checkMs = deps.checkMs ?? intervalMs;
  const sections = new Map<string, () => unknown>();
  const dirty = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let checker: NodeJS.Timeout | null = null;
  let running = false;
  let lastError: string | null = null;
  let notice: string | null = null;
  /** The file must be rewritten whole, even with nothing dirty. */
  let rewrite = false;
  let writes = 0;
  /** A timed flush's write still on its way to disk (its sections): the next timed flush waits for it. */
  let writing: string[] | null = null;
  /** Synchronous flushes so far: a timed flush that waited on `durable` meanwhile is dropped (see flushInBackground). */
  let syncFlushes = 0;

  const schedule = () => {
    if (!running || timer) return;
    timer = setTimeout(() => {
      timer = null;
      flushInBackground();
    }, intervalMs);
    // A pending flush must not keep a stopping process alive; stop() flushes explicitly.
    timer.unref();
  };

  function describe(c: FileChange): string {
    const at = new Date(deps.clock.now()).toISOString();
    const what = c.change === 'removed' ? 'was removed' : 'was changed by another program';
    const kept = c.keptAs ? ` (the changed file was kept as ${c.keptAs})` : '';
    return `the data file ${deps.store.path} ${what} while Tollgate was running (noticed ${at}); it was rewritten from memory${kept}`;
  }

  function check(): void {
    let c: FileChange | null = null;
    try {
      c = deps.store.checkFile?.() ?? null;
    } catch {
      c = null;
    }
    if (!c) return;
    notice = describe(c);
    deps.log.warn(notice);
    rewrite = true;
    deps.onProblems?.();
  }

  /** Takes the dirty sections' snapshots: null when there is nothing to write. */
  function take(): { names: string[]; out: Record<string, unknown> } | null {
    check();
    if (dirty.size === 0 && !rewrite) return null;
    const names = [...dirty];
    dirty.clear();
    const out: Record<string, unknown> = {};
    for (const n of names) out[n] = sections.get(n)?.();
    return { names, out };
  }

  function written() {
    writes++;
    rewrite = false;
    if (lastError) {
      lastError = null;
      deps.log.info('data file writable again', { path: deps.store.path });
      deps.onProblems?.();
    }
  }

  function failed(names: string[], err: unknown) {
    // Keep the sections dirty so the next flush retries; the in-memory copy stays authoritative.
    for (const n of names) dirty.add(n);
    const message = `could not save to ${deps.store.path ?? 'memory'}: ${(err as Error).message}`;
    if (message !== lastError) {
      deps.log.error(message);
      lastError = message;
      deps.onProblems?.();
    }
    schedule();
  }

  function flush(): boolean {
    // A background write on its way may never land (the process is stopping): its sections are written again here,
    // and the store drops the older write (conf-store.ts writeAsync).
    if (writing) for (const n of writing) dirty.add(n);
    syncFlushes++;
    const t = take();
    if (!t) return true;
    try {
      // The store writes the whole document it holds, so an empty set of sections still rewrites the file.
      deps.store.write(t.out);
      written();
      return true;
    } catch (err) {
      failed(t.names, err);
      return false;
    }
  }

  /** The timed flush: the store's disk work runs off the event loop where it can (conf-store.ts writeAsync). */
  function flushInBackground(): void {
    if (!deps.store.writeAsync) return void flush();
    if (writing) return schedule();
    const t = take();
    if (!t) return;
    writing = t.names;
    const asOf = syncFlushes;
    const write = async () => {
      // A synchronous flush (a stop) came while this one waited: it wrote these sections again, newer; this older
      // document must not follow it.
      if (syncFlushes !== asOf) return false;
      await deps.store.writeAsync!(t.out);
      return true;
    };
    (deps.durable ? deps.durable().then(write) : write()).then(
      (wrote) => {
        writing = null;
        if (wrote) written();
      },
      (err: unknown) => {
        writing = null;
        failed(t.names, err);
      },
    );
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
      if (deps.store.checkFile && !checker) {
        checker = setInterval(() => {
          check();
          if (rewrite) flush();
        }, checkMs);
        checker.unref();
      }
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      if (checker) clearInterval(checker);
      timer = null;
      checker = null;
      flush();
    },
    get lastError() {
      return lastError;
    },
    problems() {
      return [...(lastError ? [lastError] : []), ...(notice ? [notice] : [])];
    },
    get writes() {
      return writes;
    },
  };
}
