import type { ImportedCall } from '../history/reads.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { importedIdentity } from './identity.js';
import { readKeysFile, writeKeysFile, writeKeysFileSync } from './keys-file.js';
import type { SeenKeys } from './seen-keys.js';

/**
 * While a sync reads, the import state (cursors and ~100,000 dedupe keys, a few MB) is handed to the store at most
 * this often, and once the sync ends: the store writes its whole document, on the event loop, at every save, so
 * saving the keys every second stalled proxied calls by 100 ms at a time during a month's import. A crash loses
 * at most this much of the state; the calls read meanwhile may then be read again.
 */
const SAVE_MS = 10_000;

export interface ImportSaver {
  /**
   * Whether the history holds this call as one recorded after the keys were last saved: a process killed
   * mid-import stored a summary that counts it, so a line read again must not count it a second time.
   */
  recordedBefore(c: ImportedCall): boolean;
  /** The cursors or keys changed: saved now if the last save is SAVE_MS old. */
  changed(): void;
  /** A sync read every file to its end: what the killed process recorded is in the keys now; saves what changed. */
  synced(): void;
  /** Saves at once, synchronously (the process may be exiting), when anything changed since the last save. */
  stop(): void;
}

/**
 * The importer's saving: the dedupe keys to their own file (keys-file.ts, with the history seq they reach) and
 * then the cursors to the store (`onChange`), and, at start, the calls recorded after the keys were saved.
 */
export function createImportSaver(d: {
  keysFile?: string;
  seen: SeenKeys;
  /** The history seq of the last call recorded. */
  lastSeq?: () => number;
  /** The calls imported from logs that the history holds after this seq. */
  recordedSince?: (seq: number) => Iterable<ImportedCall>;
  clock: Clock;
  log: Logger;
  onChange: () => void;
}): ImportSaver {
  /** Identities (identity.ts) of the calls recorded after the saved keys; empty after a clean stop. */
  let recorded = new Set<string>();
  /** The seq the keys saved last reach. */
  let keysSeq = 0;
  if (d.keysFile) {
    const kept = readKeysFile(d.keysFile);
    if (kept) d.seen.decodeBytes(kept.keys);
    // No file yet: a first import killed before it saved any, so every imported call in the history is after it.
    // A version 1 file does not say how far it reaches: nothing is looked up (as before there was a seq).
    const from = kept ? kept.seq : 0;
    if (from !== null) keysSeq = from;
    if (from !== null && d.recordedSince) {
      for (const c of d.recordedSince(from)) {
        const id = importedIdentity(c);
        if (id) recorded.add(id);
      }
    }
  }
  let unsaved = false;
  let savedAt = d.clock.now();
  /** The keys file's write in flight: writes never overlap, and the cursors are saved only after the keys. */
  let writing: Promise<void> = Promise.resolve();
  /** Synchronous writes made by stop(): an asynchronous one begun before such a write must not replace it. */
  let syncWrites = 0;

  const save = () => {
    unsaved = false;
    savedAt = d.clock.now();
    const file = d.keysFile;
    if (!file) return d.onChange();
    // Keys first: cursors saved ahead of their keys could, after a crash, let a re-read count a call again;
    // keys ahead of their cursors only mean lines read again are recognised.
    const keys = d.seen.encodeBytes();
    // Every call these keys cover was recorded by now: its seq is at most this one.
    const upTo = d.lastSeq?.() ?? 0;
    keysSeq = upTo;
    const asOf = syncWrites;
    writing = writing
      .then(() => writeKeysFile(file, keys, upTo, () => syncWrites !== asOf))
      .catch((err: unknown) => d.log.warn('could not save the coding tool log keys', { error: (err as Error).message }))
      .then(() => d.onChange());
  };

  return {
    recordedBefore: (c) => recorded.size > 0 && recorded.has(importedIdentity(c) ?? ''),
    changed() {
      unsaved = true;
      if (d.clock.now() - savedAt >= SAVE_MS) save();
    },
    synced() {
      // Every file has been read past where the killed process was: those calls are all in `seen` now.
      recorded = new Set();
      if (unsaved) save();
    },
    stop() {
      // Also when only other calls were recorded since the keys were saved: the next start then has no history to
      // look through for calls imported after them (recordedSince).
      const behind = d.keysFile !== undefined && (d.lastSeq?.() ?? 0) > keysSeq;
      if (!unsaved && !behind) return;
      unsaved = false;
      if (d.keysFile) {
        try {
          keysSeq = d.lastSeq?.() ?? 0;
          writeKeysFileSync(d.keysFile, d.seen.encodeBytes(), keysSeq);
          syncWrites++;
        } catch (err) {
          d.log.warn('could not save the coding tool log keys', { error: (err as Error).message });
        }
      }
      d.onChange();
    },
  };
}
