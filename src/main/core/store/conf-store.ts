import path from 'node:path';
import Conf from 'conf';
import { createMemoryStore, type DocumentStore } from './document-store.js';
import { quarantineIfCorrupt } from './open-safely.js';

export const STORE_NAME = 'tollgate';

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
      // The ledger names keys, projects and spend: readable by the user only.
      configFileMode: 0o600,
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

export function wrapConf(conf: ConfLike, problems: string[]): DocumentStore {
  let doc: Record<string, unknown> | null = null;
  const load = () => {
    try {
      doc = { ...conf.store };
    } catch (err) {
      problems.push(`could not read ${conf.path}: ${(err as Error).message}`);
      doc = {};
    }
    return doc;
  };
  return {
    path: conf.path,
    problems,
    load: () => structuredClone(load()),
    write(sections) {
      // Assigning the whole document is one atomic write (temp file + rename) and skips conf's
      // read-modify-write of set(), which would re-parse a file we already hold in memory.
      doc = { ...(doc ?? load()), ...sections };
      conf.store = doc;
    },
  };
}
