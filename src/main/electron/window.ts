import { BrowserWindow, type WebContents } from 'electron';
import { IPC_NAVIGATE } from '../contract/ipc.js';
import type { UrlPolicy } from './url-policy.js';

export interface WindowManager {
  /** Shows the dashboard, creating it the first time; `route` ("/budgets/b1") opens it on a page. */
  show(route?: string): BrowserWindow;
  /** Live windows' web contents: whom IPC answers and events go to. */
  webContents(): WebContents[];
  /** From now on closing really closes (quitting). */
  allowClose(): void;
  readonly current: BrowserWindow | null;
}

/**
 * The dashboard window, created when first needed. Locked down: no Node, sandboxed, isolated. Closing it only
 * hides it: Tollgate keeps metering from the tray, and the next open is instant.
 */
export function createWindowManager(opts: {
  preload: string;
  policy: UrlPolicy;
  icon?: string;
  onVisibility?: (visible: boolean) => void;
}): WindowManager {
  let win: BrowserWindow | null = null;
  let closing = false;

  const create = (route?: string) => {
    const w = new BrowserWindow({
      width: 1100,
      height: 760,
      minWidth: 720,
      minHeight: 480,
      show: false,
      title: 'Tollgate',
      icon: opts.icon,
      autoHideMenuBar: true,
      webPreferences: {
        preload: opts.preload,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
      },
    });
    w.once('ready-to-show', () => {
      w.show();
      w.focus();
    });
    w.on('show', () => opts.onVisibility?.(true));
    w.on('hide', () => opts.onVisibility?.(false));
    w.on('close', (e) => {
      if (closing) return;
      e.preventDefault();
      w.hide();
    });
    w.on('closed', () => {
      if (win === w) win = null;
      opts.onVisibility?.(false);
    });
    void w.loadURL(opts.policy.pageUrl(route));
    return w;
  };

  return {
    show(route) {
      if (win && !win.isDestroyed()) {
        if (route) win.webContents.send(IPC_NAVIGATE, '#' + route);
        if (win.isMinimized()) win.restore();
        win.show();
        win.focus();
        return win;
      }
      win = create(route);
      return win;
    },
    webContents: () => (win && !win.isDestroyed() ? [win.webContents] : []),
    allowClose() {
      closing = true;
    },
    get current() {
      return win;
    },
  };
}
