/**
 * Electron entry: builds the core with Electron's adapters (electron-store, safeStorage, notifications) and puts
 * it in the tray. No business logic lives here or in ./electron; the core is the same one headless mode runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, clipboard, dialog } from 'electron';
import { createNodeNotifier } from './core/alerts/node-notifier.js';
import { chooseNotifier } from './core/alerts/notifier.js';
import { createCore, type Core } from './core/create-core.js';
import { defaultLogRoots } from './core/coding-logs/roots.js';
import { createTrayFeed } from './core/tray/tray-feed.js';
import { createConsoleLogger } from './core/util/log.js';
import { startIdleGc } from './core/util/idle-gc.js';
import { registerIpc } from './electron/ipc.js';
import { createLoginItem } from './electron/login-item.js';
import { createExportFileChooser } from './electron/save-dialog.js';
import { createElectronNotifier, electronNotificationsSupported } from './electron/notify.js';
import { dataDir } from './electron/paths.js';
import { createSafeStorageSecrets } from './electron/secrets.js';
import { hardenApp } from './electron/security.js';
import { createElectronStore } from './electron/store.js';
import { createTrayActions } from './electron/tray-actions.js';
import { createTrayController } from './electron/tray.js';
import { budgetRoute, createUrlPolicy } from './electron/url-policy.js';
import { createWindowManager, type WindowManager } from './electron/window.js';

const here = path.dirname(fileURLToPath(import.meta.url));

async function main() {
  // One Tollgate per user: a second launch hands over to the first (which opens its dashboard) and leaves.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  let windows: WindowManager | null = null;
  let wantWindow = false;
  app.on('second-instance', () => {
    if (windows) windows.show();
    else wantWindow = true;
  });

  await app.whenReady();
  const log = createConsoleLogger();
  const platform = process.platform;
  // A tray app: no dock icon on macOS, and no taskbar entry elsewhere until the dashboard window is open.
  app.dock?.hide();
  if (platform === 'win32') app.setAppUserModelId('Tollgate');

  const resources = path.join(app.getAppPath(), 'resources');
  const appIcon = path.join(resources, 'icon.png');
  const policy = createUrlPolicy({ rendererFile: path.join(here, '../renderer/index.html'), devUrl: process.env.ELECTRON_RENDERER_URL ?? null });
  hardenApp({ policy, log });

  windows = createWindowManager({
    preload: path.join(here, '../preload/index.cjs'),
    policy,
    icon: fs.existsSync(appIcon) ? appIcon : undefined,
    // While the dashboard is open it behaves like a normal window: in the Dock on macOS, so it can be switched to.
    onVisibility: (visible) => {
      if (platform !== 'darwin') return;
      if (visible) void app.dock?.show();
      else app.dock?.hide();
    },
  });
  const win = windows;
  const showBudget = (budgetId: string | null) => win.show(budgetId ? budgetRoute(budgetId) : undefined);

  const dir = dataDir();
  const core: Core = createCore({
    dataDir: dir,
    store: createElectronStore(dir),
    secrets: createSafeStorageSecrets(),
    port: process.env.TOLLGATE_PORT ? Number(process.env.TOLLGATE_PORT) : undefined,
    host: process.env.TOLLGATE_HOST,
    // Team mode (docs/team.md): budgets shared with teammates' Tollgates through Redis.
    ...(process.env.TOLLGATE_REDIS_URL ? { redisUrl: process.env.TOLLGATE_REDIS_URL } : {}),
    version: app.getVersion(),
    log,
    // history.saveExport: the window's "Save CSV…" asks here, then the core streams the range into the file.
    chooseExportFile: createExportFileChooser(() => win.current),
    // Claude Code's and Codex's own log folders: spend that bypassed the proxy (the importCodingLogs setting turns it off).
    codingLogs: (() => {
      const roots = defaultLogRoots(process.env);
      return { claudeRoots: roots.claude, codexRoots: roots.codex };
    })(),
    notifier: chooseNotifier(
      platform,
      createNodeNotifier({ icon: fs.existsSync(appIcon) ? appIcon : null, onClick: (n) => showBudget(n.budgetId) }),
      electronNotificationsSupported() ? createElectronNotifier({ icon: fs.existsSync(appIcon) ? appIcon : undefined, onClick: (n) => showBudget(n.budgetId) }) : null,
    ),
  });
  try {
    await core.start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    dialog.showErrorBox(
      'Tollgate could not start',
      e.code === 'EADDRINUSE'
        ? `Port ${process.env.TOLLGATE_PORT ?? 4848} is in use: is Tollgate already running headless (npm run serve)? Set TOLLGATE_PORT to use another port.`
        : e.message,
    );
    app.exit(1);
    return;
  }

  registerIpc({ api: core.api, events: core.events, windows: () => win.webContents(), isAppPage: policy.isAppPage, log });

  const loginItem = createLoginItem(platform);
  let quitting = false;
  const dispatch = createTrayActions({
    api: core.api,
    showWindow: (route) => win.show(route),
    copy: (text) => clipboard.writeText(text),
    setOpenAtLogin: (enabled) => loginItem.set(enabled),
    quit: () => app.quit(),
    refresh: () => void feed.refreshNow(),
    log,
  });
  const tray = createTrayController({ resourcesDir: resources, platform, dispatch });
  const feed = createTrayFeed({
    api: core.api,
    events: core.events,
    clock: { now: () => Date.now() },
    log,
    platform,
    openAtLogin: () => loginItem.get(),
    onModel: (m) => tray.update(m),
  });
  await feed.start();
  // Idle memory, as headless: one collection once requests stop (util/idle-gc.ts says why).
  const idleGc = startIdleGc((f) => core.events.on('request.recorded', f));

  app.on('before-quit', (e) => {
    if (quitting) return;
    // Hold the quit until the core has stopped: it writes the ledger's last second and closes the proxy.
    e.preventDefault();
    quitting = true;
    win.allowClose();
    feed.stop();
    idleGc?.stop();
    void core.stop().then(() => {
      tray.destroy();
      app.quit();
    });
  });
  app.on('window-all-closed', () => {
    // Tollgate keeps metering with no window open; quitting is explicit (tray → Quit).
  });
  app.on('activate', () => win.show());

  if (wantWindow || process.argv.includes('--show')) win.show();
  // Tests reach the running core through this, and nothing else does (the e2e and stub smoke tests).
  if (process.env.TOLLGATE_TEST_HOOKS === '1') Object.assign(globalThis, { __tollgate: { core, feed, tray, dispatch, windows: win } });
}

void main();
