import path from 'node:path';
import { BrowserWindow } from 'electron';

/** The dashboard window, created when first needed. Locked down: no Node, sandboxed, isolated. */
export function createWindowManager(opts: { preload: string; rendererUrl: string | null; rendererFile: string }) {
  let win: BrowserWindow | null = null;
  return {
    show(): BrowserWindow {
      if (win && !win.isDestroyed()) {
        win.show();
        win.focus();
        return win;
      }
      win = new BrowserWindow({
        width: 1100,
        height: 760,
        show: false,
        title: 'Tollgate',
        webPreferences: {
          preload: opts.preload,
          contextIsolation: true,
          sandbox: true,
          nodeIntegration: false,
          webSecurity: true,
        },
      });
      win.once('ready-to-show', () => win?.show());
      if (opts.rendererUrl) void win.loadURL(opts.rendererUrl);
      else void win.loadFile(path.resolve(opts.rendererFile));
      return win;
    },
    get current() {
      return win;
    },
  };
}
