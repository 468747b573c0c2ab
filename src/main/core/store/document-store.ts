/**
 * The persistence port. The core keeps its working copy in memory and hands whole sections to the store;
 * conf (headless, tests) and electron-store (the app) implement it, so both run the same code.
 */
export interface DocumentStore {
  /** The whole document as loaded at open. */
  load(): Record<string, unknown>;
  /** Replace these top-level sections in one atomic write. Throws on I/O errors; the caller reports and retries. */
  write(sections: Record<string, unknown>): void;
  /**
   * The same write with its disk work off the event loop (the timed flushes use it). A write() made before it ends
   * supersedes it: the older document never goes over the newer. Rejects on I/O errors, as write() throws.
   */
  writeAsync?(sections: Record<string, unknown>): Promise<void>;
  /** Where the data lives, for messages; null for an in-memory store. */
  readonly path: string | null;
  /** Problems found while opening (a corrupt file moved aside, …), in words. */
  readonly problems: string[];
  /**
   * Whether the file is still what this store last wrote. When something else removed or changed it, says so
   * (once per change; a changed file is moved aside and its new name given) so the caller can rewrite it
   * from memory. Absent for stores without a file.
   */
  checkFile?(): FileChange | null;
  /** Copies the file as it is now beside it, tagged; returns the copy's path (null when there is nothing to copy). */
  keepCopy?(tag: string): string | null;
}

export interface FileChange {
  change: 'removed' | 'changed';
  /** Where the changed file was moved, or null when it was not kept. */
  keptAs: string | null;
}

/** Used when the data folder cannot be opened at all: Tollgate keeps serving and says so. */
export function createMemoryStore(initial: Record<string, unknown> = {}, problems: string[] = []): DocumentStore & {
  data: Record<string, unknown>;
} {
  const data: Record<string, unknown> = structuredClone(initial);
  return {
    data,
    path: null,
    problems,
    load: () => structuredClone(data),
    write(sections) {
      for (const [k, v] of Object.entries(sections)) data[k] = structuredClone(v);
    },
  };
}
