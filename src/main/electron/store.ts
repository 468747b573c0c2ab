import path from 'node:path';
import ElectronStore from 'electron-store';
import { STORE_NAME, wrapConf } from '../core/store/conf-store.js';
import { createMemoryStore, type DocumentStore } from '../core/store/document-store.js';
import { quarantineIfCorrupt } from '../core/store/open-safely.js';

/** electron-store behind the same port as conf in headless mode: only where the file lives differs. */
export function createElectronStore(dataDir: string): DocumentStore {
  const problems: string[] = [];
  const problem = quarantineIfCorrupt(path.join(dataDir, `${STORE_NAME}.json`), Date.now());
  if (problem) problems.push(problem);
  try {
    const store = new ElectronStore<Record<string, unknown>>({
      cwd: dataDir,
      name: STORE_NAME,
      accessPropertiesByDotNotation: false,
      configFileMode: 0o600,
      clearInvalidConfig: true,
    });
    return wrapConf(store, problems);
  } catch (err) {
    problems.push(`could not open ${dataDir} (${(err as Error).message}); running from memory, nothing will be saved`);
    return createMemoryStore({}, problems);
  }
}
