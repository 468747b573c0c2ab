/**
 * The persistence port. The core keeps its working copy in memory and hands whole sections to the store;
 * conf (headless, tests) and electron-store (the app) implement it, so both run the same code.
 */
export interface DocumentStore {
  /** The whole document as loaded at open. */
  load(): Record<string, unknown>;
  /** Replace these top-level sections in one atomic write. Throws on I/O errors; the caller reports and retries. */
  write(sections: Record<string, unknown>): void;
  /** Where the data lives, for messages; null for an in-memory store. */
  readonly path: string | null;
  /** Problems found while opening (a corrupt file moved aside, …), in words. */
  readonly problems: string[];
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
