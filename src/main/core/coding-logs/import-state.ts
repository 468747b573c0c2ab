import type { CodexFileState } from './codex.js';
import type { FileCursor } from './line-reader.js';

export interface FileState extends FileCursor {
  codex?: CodexFileState;
}

/** What the importer keeps across restarts: where each file was read to, and the keys of calls already taken. */
export interface ImportSnapshot {
  version: 1;
  files: Record<string, FileState>;
  seen: string[];
}

/** Keys of calls taken are kept up to this many (oldest forgotten first): weeks of heavy use, a few MB in the store. */
export const MAX_SEEN = 100_000;

export function loadImportState(initial: unknown): { files: Map<string, FileState>; seen: Set<string> } {
  const files = new Map<string, FileState>();
  const seen = new Set<string>();
  if (typeof initial !== 'object' || initial === null) return { files, seen };
  const s = initial as Partial<ImportSnapshot>;
  if (s.files && typeof s.files === 'object') {
    for (const [f, v] of Object.entries(s.files)) {
      if (v && Number.isFinite(v.ino) && Number.isFinite(v.offset) && v.offset >= 0) files.set(f, v);
    }
  }
  if (Array.isArray(s.seen)) for (const k of s.seen) if (typeof k === 'string') seen.add(k);
  return { files, seen };
}

export function rememberSeen(seen: Set<string>, key: string): void {
  seen.add(key);
  if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value as string);
}
