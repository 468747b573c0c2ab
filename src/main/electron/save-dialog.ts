import path from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';

/**
 * The core's chooseExportFile for the app: a save dialog over Tollgate's window, starting in Downloads with the
 * suggested name. The core then streams the export into the chosen file (history.saveExport); nothing of it
 * crosses IPC but the path and the counts.
 */
export function createExportFileChooser(parent: () => BrowserWindow | null): (suggestedName: string) => Promise<string | null> {
  return async (suggestedName) => {
    const jsonl = suggestedName.endsWith('.jsonl');
    const options: Electron.SaveDialogOptions = {
      title: 'Export request history',
      defaultPath: path.join(app.getPath('downloads'), suggestedName),
      filters: [jsonl ? { name: 'JSON Lines', extensions: ['jsonl'] } : { name: 'CSV', extensions: ['csv'] }],
    };
    const win = parent();
    const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    return r.canceled || !r.filePath ? null : r.filePath;
  };
}
