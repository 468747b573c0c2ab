import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { sameStamp, stampOf, writeFileAtomic, writeFileAtomicAsync, type FileStamp } from './atomic-file.js';
import { createMemoryStore, type DocumentStore } from './document-store.js';
import { quarantineIfCorrupt } from './open-safely.js';

export const STORE_NAME = 'tollgate';
/** The ledger names keys, projects and spend: readable by the user only. */
const FILE_MODE = 0o600;

/** The headless and test store: conf, the Node core of electron-store, in the data folder. */
export function createConfStore(dataDir: string, now = Date.now()): DocumentStore {
  const file = path.join(dataDir, `${STORE_NAME}.json`);
  const problems: string[] = [];
  const problem = quarantineIfCorrupt(file, now);
  if (problem) problems.push(problem);
  let conf: Conf<Record<string, unknown>>;
  try {
    conf = new Conf<Record<string, unknown>>({
      cwd: dataDir,
      configName: STORE_NAME,
      accessPropertiesByDotNotation: false,
      configFileMode: FILE_MODE,
      clearInvalidConfig: true,
    });
  } catch (err) {
    problems.push(`could not open the data folder ${dataDir} (${(err as Error).message}); running from memory, nothing will be saved`);
    return createMemoryStore({}, problems);
  }
  return wrapConf(conf, problems);
}

/** conf and electron-store share this surface; the Electron adapter passes its ElectronStore here. */
export interface ConfLike {
  readonly path: string;
  store: Record<string, unknown>;
}

/** How many changed files one run keeps aside: a tool that rewrites the file in a loop must not fill the disk. */
const KEEP_CHANGED = 3;

const stamp = (now: number) => new Date(now).toISOString().replace(/[:.]/g, '-');

/**
 * conf (or electron-store) opens and reads the file; writes go through writeFileAtomic with the whole document
 * held here. conf's setter would re-read and re-parse the file on every write, and its writer busy-waits on
 * EACCES (see atomic-file.ts). The file keeps conf's format (tab-indented JSON), so either can open it again.
 */
export function wrapConf(conf: ConfLike, problems: string[], now: () => number = Date.now): DocumentStore {
  let doc: Record<string, unknown> | null = null;
  let written: FileStamp | null = safeStamp(conf.path);
  let kept = 0;
  /** Counts writes begun: an asynchronous one lands only if none began after it. */
  let writesBegun = 0;
  const load = () => {
    try {
      doc = { ...conf.store };
    } catch (err) {
      problems.push(`could not read ${conf.path}: ${(err as Error).message}`);
      doc = {};
    }
    return doc;
  };
  // Only a file this store wrote becomes the backup: never one something else damaged or replaced.
  const ours = () => {
    const current = safeStamp(conf.path);
    return written !== null && current !== null && sameStamp(current, written);
  };
  return {
    path: conf.path,
    problems,
    load: () => structuredClone(load()),
    write(sections) {
      doc = { ...(doc ?? load()), ...sections };
      writesBegun++;
      written = writeFileAtomic(conf.path, JSON.stringify(doc, null, '\t'), FILE_MODE, { backup: ours() });
    },
    async writeAsync(sections) {
      doc = { ...(doc ?? load()), ...sections };
      const mine = ++writesBegun;
      const st = await writeFileAtomicAsync(conf.path, JSON.stringify(doc, null, '\t'), FILE_MODE, () =>
        mine === writesBegun ? { backup: ours() } : null,
      );
      if (st) written = st;
    },
    checkFile() {
      if (written === null) return null; // absent at open and not written since: nothing to compare
      let current: FileStamp | null;
      try {
        current = stampOf(conf.path);
      } catch {
        return null; // cannot tell (a permission problem shows up when the next write fails)
      }
      if (current === null) {
        written = null;
        return { change: 'removed', keptAs: null };
      }
      if (sameStamp(current, written)) return null;
      let keptAs: string | null = null;
      if (current.size > 0 && kept < KEEP_CHANGED) {
        try {
          keptAs = `${conf.path}.changed-${stamp(now())}`;
          fs.renameSync(conf.path, keptAs);
          kept++;
        } catch {
          keptAs = null;
        }
      }
      // Report each change once: a file moved aside is now absent until the rewrite; one left in place is the new baseline.
      written = keptAs ? null : current;
      return { change: 'changed', keptAs };
    },
    keepCopy(tag) {
      const to = `${conf.path}.${tag}-${stamp(now())}`;
      try {
        fs.copyFileSync(conf.path, to);
        return to;
      } catch {
        return null;
      }
    },
  };
}

function safeStamp(file: string): FileStamp | null {
  try {
    return stampOf(file);
  } catch {
    return null;
  }
}
