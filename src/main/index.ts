/**
 * Electron entry: builds the core with Electron's adapters (electron-store, safeStorage) and opens the window.
 * No business logic lives here or in ./electron; the core is the same one headless mode runs.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import { createCore } from './core/create-core.js';
import { dataDir } from './electron/paths.js';
import { createSafeStorageSecrets } from './electron/secrets.js';
import { createElectronStore } from './electron/store.js';
import { createWindowManager } from './electron/window.js';

const here = path.dirname(fileURLToPath(import.meta.url));

async function main() {
  await app.whenReady();
  const dir = dataDir();
  const core = createCore({
    dataDir: dir,
    store: createElectronStore(dir),
    secrets: createSafeStorageSecrets(),
    port: process.env.TOLLGATE_PORT ? Number(process.env.TOLLGATE_PORT) : undefined,
    host: process.env.TOLLGATE_HOST,
    version: app.getVersion(),
  });
  await core.start();
  const windows = createWindowManager({
    preload: path.join(here, '../preload/index.cjs'),
    rendererUrl: process.env.ELECTRON_RENDERER_URL ?? null,
    rendererFile: path.join(here, '../renderer/index.html'),
  });
  windows.show();
  let quitting = false;
  app.on('before-quit', (e) => {
    if (quitting) return;
    e.preventDefault();
    quitting = true;
    void core.stop().then(() => app.quit());
  });
  app.on('window-all-closed', () => {
    // Tollgate keeps metering with no window open; quitting is explicit.
  });
}

void main();
