import type { CodexFileState } from './codex.js';
import type { FileCursor } from './line-reader.js';
import { createSeenKeys, type SeenKeys } from './seen-keys.js';

export interface FileState extends FileCursor {
  codex?: CodexFileState;
}

/**
 * What the importer keeps across restarts: where each file was read to, and the keys of calls already taken
 * (hashed, base64: see seen-keys.ts). Version 1 kept the keys as strings (`seen`); it still loads.
 */
export interface ImportSnapshot {
  version: 2;
  files: Record<string, FileState>;
  /** Absent when the keys are kept in a file of their own (keys-file.ts). */
  keys?: string;
}

/** The newest this many keys of calls taken are always kept (at most twice as many): 8 bytes each. */
export const MAX_SEEN = 100_000;

export function loadImportState(initial: unknown, max = MAX_SEEN): { files: Map<string, FileState>; seen: SeenKeys } {
  const files = new Map<string, FileState>();
  const seen = createSeenKeys(max);
  if (typeof initial !== 'object' || initial === null) return { files, seen };
  const s = initial as Partial<ImportSnapshot> & { seen?: unknown };
  if (s.files && typeof s.files === 'object') {
    for (const [f, v] of Object.entries(s.files)) {
      if (v && Number.isFinite(v.ino) && Number.isFinite(v.offset) && v.offset >= 0) files.set(f, v);
    }
  }
  if (Array.isArray(s.seen)) for (const k of s.seen) if (typeof k === 'string') seen.add(k);
  if (typeof s.keys === 'string') seen.decode(s.keys);
  return { files, seen };
}

/** Forgotten together, in one pass, once this many keys are over the bound. */
const EVICT_BATCH = 10_000;

/**
 * For a Set of strings (the proxied upstream ids, which are not churned by an import): adds a key; past the bound, the oldest keys go in a batch. Deleting the first key one at a time is quadratic in
 * V8: a Set's iterator walks over the holes earlier deletes left until the table is rehashed (about 70 µs a key
 * at 100,000 keys, which made a 1 GB import take minutes). One iterator pass over a batch walks them once.
 */
export function rememberSeen(seen: Set<string>, key: string, max = MAX_SEEN): void {
  seen.add(key);
  if (seen.size <= max + EVICT_BATCH) return;
  let excess = seen.size - max;
  for (const k of seen) {
    if (excess-- <= 0) break;
    seen.delete(k);
  }
}
