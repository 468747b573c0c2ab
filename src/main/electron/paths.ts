import { app } from 'electron';

/** The app's data folder: where electron-store keeps the ledger and the admin token lives. */
export function dataDir(): string {
  return app.getPath('userData');
}
