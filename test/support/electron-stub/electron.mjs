/**
 * A stand-in for the `electron` module that records what the app asks of it: the tray (image, tooltip, menu),
 * menus built, IPC handlers, windows and what was sent to them, notifications, clipboard, session hardening and
 * app lifecycle calls. The test that spawned the process drives it over Node's IPC channel (process.send):
 * clicking menu items and notifications, invoking IPC channels as a chosen sender, emitting app events, quitting.
 *
 * Environment: STUB_USER_DATA (app.getPath('userData')), STUB_APP_PATH (app.getAppPath()), STUB_LOCK=0 (another
 * instance holds the lock), STUB_NOTIFICATIONS=0 (Notification.isSupported() is false).
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import process from 'node:process';
import { Buffer } from 'node:buffer';
import { setImmediate } from 'node:timers';

const env = process.env;
const rec = {
  calls: [],
  trays: [],
  menusBuilt: 0,
  windows: [],
  notifications: [],
  clipboard: [],
  openExternal: [],
  errorBoxes: [],
  ipcHandlers: new Map(),
  ipcOn: [],
  session: { permissionRequest: null, permissionCheck: null, beforeRequest: null, headersReceived: null },
  loginItem: false,
};
const call = (name, detail) => rec.calls.push(detail === undefined ? name : `${name} ${JSON.stringify(detail)}`);

function event() {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

let wcSeq = 0;
class WebContents extends EventEmitter {
  constructor(kind) {
    super();
    this.id = ++wcSeq;
    this.kind = kind;
    this.url = '';
    this.sent = [];
    this.destroyed = false;
    this.windowOpenHandler = null;
    // The main frame shows whatever the contents show.
    this.mainFrame = Object.defineProperty({}, 'url', { get: () => this.url, enumerable: true });
  }
  send(channel, ...args) {
    this.sent.push([channel, ...args]);
  }
  getURL() {
    return this.url;
  }
  isDestroyed() {
    return this.destroyed;
  }
  setWindowOpenHandler(h) {
    this.windowOpenHandler = h;
  }
}

export class BrowserWindow extends EventEmitter {
  static fromWebContents(wc) {
    return rec.windows.find((w) => w.webContents === wc) ?? null;
  }
  static getAllWindows() {
    return rec.windows.filter((w) => !w.destroyed);
  }
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents('window');
    this.visible = false;
    this.destroyed = false;
    this.loads = [];
    rec.windows.push(this);
    call('new BrowserWindow');
    app.emit('web-contents-created', event(), this.webContents);
  }
  loadURL(url) {
    this.loads.push(url);
    this.webContents.url = url;
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  loadFile(file, opts) {
    return this.loadURL(`file://${path.resolve(file)}${opts?.hash ? '#' + opts.hash : ''}`);
  }
  show() {
    this.visible = true;
    this.emit('show');
  }
  hide() {
    this.visible = false;
    this.emit('hide');
  }
  focus() {}
  isMinimized() {
    return false;
  }
  restore() {}
  isVisible() {
    return this.visible;
  }
  isDestroyed() {
    return this.destroyed;
  }
  close() {
    const e = event();
    this.emit('close', e);
    if (!e.defaultPrevented) this.destroy();
  }
  destroy() {
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export class Tray extends EventEmitter {
  constructor(image) {
    super();
    this.image = image;
    this.tooltip = '';
    this.menu = null;
    this.images = [image.path];
    this.menusSet = 0;
    this.destroyed = false;
    rec.trays.push(this);
  }
  setImage(image) {
    this.image = image;
    this.images.push(image.path);
  }
  setToolTip(t) {
    this.tooltip = t;
  }
  setContextMenu(m) {
    this.menu = m;
    this.menusSet++;
  }
  destroy() {
    this.destroyed = true;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export const Menu = {
  buildFromTemplate(template) {
    rec.menusBuilt++;
    return { template };
  },
};

export const nativeImage = {
  createFromPath: (p) => ({ path: p }),
};

export class Notification extends EventEmitter {
  static isSupported() {
    return env.STUB_NOTIFICATIONS !== '0';
  }
  constructor(options) {
    super();
    this.options = options;
    this.shown = false;
    rec.notifications.push(this);
  }
  show() {
    this.shown = true;
  }
  close() {
    this.emit('close');
  }
}

export const ipcMain = {
  handle(channel, fn) {
    if (rec.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    rec.ipcHandlers.set(channel, fn);
  },
  removeHandler(channel) {
    rec.ipcHandlers.delete(channel);
  },
  on(channel) {
    rec.ipcOn.push(channel);
  },
};

export const safeStorage = {
  isEncryptionAvailable: () => true,
  encryptString: (plain) => Buffer.from('stub:' + plain, 'utf8'),
  decryptString: (buf) => buf.toString('utf8').replace(/^stub:/, ''),
};

export const clipboard = {
  writeText: (t) => rec.clipboard.push(t),
  readText: () => rec.clipboard.at(-1) ?? '',
};

export const shell = {
  openExternal: (url) => {
    rec.openExternal.push(url);
    return Promise.resolve();
  },
  openPath: () => Promise.resolve(''),
};

export const dialog = {
  showErrorBox: (title, content) => rec.errorBoxes.push({ title, content }),
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler: (h) => (rec.session.permissionRequest = h),
    setPermissionCheckHandler: (h) => (rec.session.permissionCheck = h),
    webRequest: {
      onBeforeRequest: (filterOrHandler, handler) => (rec.session.beforeRequest = handler ?? filterOrHandler),
      onHeadersReceived: (filterOrHandler, handler) => (rec.session.headersReceived = handler ?? filterOrHandler),
    },
  },
};

function exit(code) {
  call('exit', code);
  setImmediate(() => process.exit(code));
}

export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  requestSingleInstanceLock() {
    call('requestSingleInstanceLock');
    return env.STUB_LOCK !== '0';
  },
  whenReady: () => Promise.resolve(),
  isReady: () => true,
  getPath: (name) => (name === 'userData' ? env.STUB_USER_DATA : path.join(env.STUB_USER_DATA, '..', `stub-${name}`)),
  getVersion: () => '0.0.0-stub',
  getName: () => 'Tollgate',
  getAppPath: () => env.STUB_APP_PATH ?? process.cwd(),
  dock: {
    hide: () => call('dock.hide'),
    show: () => {
      call('dock.show');
      return Promise.resolve();
    },
  },
  setAppUserModelId: (id) => call('setAppUserModelId', id),
  getLoginItemSettings: () => ({ openAtLogin: rec.loginItem }),
  setLoginItemSettings: (o) => {
    rec.loginItem = o.openAtLogin;
  },
  quit() {
    call('app.quit');
    const e = event();
    app.emit('before-quit', e);
    if (e.defaultPrevented) {
      call('before-quit prevented');
      return;
    }
    app.emit('will-quit', event());
    app.emit('quit', event(), 0);
    exit(0);
  },
  exit(code = 0) {
    exit(code);
  },
});

const electron = { app, BrowserWindow, Tray, Menu, nativeImage, Notification, ipcMain, safeStorage, clipboard, shell, dialog, session };
export default electron;

// ---- The test's remote control ---------------------------------------------------------------------------------

const menuItems = (template) =>
  template.map((i) =>
    i.type === 'separator'
      ? { type: 'separator' }
      : { label: i.label, type: i.type ?? 'normal', checked: i.checked, enabled: i.enabled !== false && (Boolean(i.click) || Boolean(i.submenu)), submenu: i.submenu ? menuItems(i.submenu) : undefined },
  );

function snapshot() {
  const hooks = globalThis.__tollgate;
  const tray = rec.trays[0];
  return {
    ready: Boolean(hooks),
    url: hooks?.core.url ?? null,
    calls: rec.calls,
    menusBuilt: rec.menusBuilt,
    tray: tray ? { image: tray.image.path, images: tray.images, tooltip: tray.tooltip, menu: tray.menu ? menuItems(tray.menu.template) : null, menusSet: tray.menusSet, destroyed: tray.destroyed, listeners: tray.eventNames() } : null,
    trays: rec.trays.length,
    windows: rec.windows.map((w) => ({
      options: w.options,
      loads: w.loads,
      visible: w.visible,
      destroyed: w.destroyed,
      sent: w.webContents.sent,
      navigateListeners: w.webContents.listenerCount('will-navigate'),
      hasWindowOpenHandler: Boolean(w.webContents.windowOpenHandler),
    })),
    notifications: rec.notifications.map((n) => ({ options: n.options, shown: n.shown, clickListeners: n.listenerCount('click') })),
    clipboard: rec.clipboard,
    openExternal: rec.openExternal,
    errorBoxes: rec.errorBoxes,
    ipcChannels: [...rec.ipcHandlers.keys()],
    ipcOn: rec.ipcOn,
    session: Object.fromEntries(Object.entries(rec.session).map(([k, v]) => [k, Boolean(v)])),
    loginItem: rec.loginItem,
    appListeners: app.eventNames(),
  };
}

function findItem(template, labels) {
  let items = template;
  let item = null;
  for (const label of labels) {
    item = items.find((i) => i.label === label);
    if (!item) throw new Error(`no menu item "${label}" in ${items.map((i) => i.label).join(' | ')}`);
    items = item.submenu ?? [];
  }
  return item;
}

function ownWindow() {
  const w = rec.windows.find((x) => !x.destroyed);
  if (!w) throw new Error('no window');
  return w;
}

const commands = {
  state: () => snapshot(),
  click({ labels }) {
    const item = findItem(rec.trays[0].menu.template, labels);
    // Electron flips a checkbox before calling its click handler.
    if (item.type === 'checkbox') item.checked = !item.checked;
    item.click({ label: item.label, checked: item.checked }, undefined, {});
    return {};
  },
  trayClick() {
    rec.trays[0].emit('click', event());
    return {};
  },
  emit({ name, payload }) {
    globalThis.__tollgate.core.events.emit(name, payload);
    return {};
  },
  clickNotification({ index }) {
    rec.notifications[index].emit('click', event());
    return {};
  },
  async invoke({ channel, input, from }) {
    const handler = rec.ipcHandlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    let sender;
    let senderFrame;
    if (from === 'window') {
      sender = ownWindow().webContents;
      senderFrame = sender.mainFrame;
    } else if (from === 'subframe') {
      sender = ownWindow().webContents;
      senderFrame = { url: sender.url };
    } else {
      // Another web contents showing the very same page: not one of Tollgate's windows.
      sender = new WebContents('foreign');
      sender.url = ownWindow().webContents.url;
      senderFrame = sender.mainFrame;
    }
    return { result: await handler({ sender, senderFrame, processId: 1, frameId: 1 }, input) };
  },
  navigate({ url }) {
    const wc = ownWindow().webContents;
    const e = event();
    wc.emit('will-navigate', e, url);
    const r = event();
    wc.emit('will-redirect', r, url);
    return { prevented: e.defaultPrevented, redirectPrevented: r.defaultPrevented };
  },
  windowOpen({ url }) {
    return { result: ownWindow().webContents.windowOpenHandler({ url }) };
  },
  attachWebview() {
    const e = event();
    ownWindow().webContents.emit('will-attach-webview', e, {}, {});
    return { prevented: e.defaultPrevented };
  },
  setWindowUrl({ url }) {
    ownWindow().webContents.url = url;
    return {};
  },
  closeWindow() {
    ownWindow().close();
    return {};
  },
  permission({ permission }) {
    return new Promise((resolve) => {
      rec.session.permissionRequest(ownWindow().webContents, permission, (granted) => resolve({ granted, check: rec.session.permissionCheck(null, permission) }));
    });
  },
  request({ url }) {
    return new Promise((resolve) => rec.session.beforeRequest({ url }, (r) => resolve({ cancel: Boolean(r.cancel) })));
  },
  headers({ url }) {
    return new Promise((resolve) => rec.session.headersReceived({ url, responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => resolve({ responseHeaders: r.responseHeaders })));
  },
  appEvent({ name, args }) {
    app.emit(name, event(), ...(args ?? []));
    return {};
  },
  quit() {
    app.quit();
    return {};
  },
};

if (process.send) {
  process.on('message', async (msg) => {
    try {
      const fn = commands[msg.cmd];
      if (!fn) throw new Error(`unknown command ${msg.cmd}`);
      process.send({ id: msg.id, ok: true, ...(await fn(msg)) });
    } catch (err) {
      process.send({ id: msg.id, ok: false, error: String(err?.stack ?? err) });
    }
  });
}
