/**
 * Builds the app with electron-vite and runs the BUILT main bundle in plain Node with `electron` mapped to the
 * recording stub (test/support/electron-stub/), then drives it over Node's IPC channel.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Builds into a folder inside the repository (so the bundle's bare imports find node_modules) that no other
 * test or `npm run build` writes to. Returns the out folder.
 */
export function buildApp(): string {
  const outDir = fs.mkdtempSync(path.join(ROOT, 'node_modules', '.cache', 'tollgate-build-'));
  execFileSync(path.join(ROOT, 'node_modules/.bin/electron-vite'), ['build', '--outDir', outDir, '--logLevel', 'error'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return outDir;
}

export interface MenuItemSnap {
  label?: string;
  type: string;
  checked?: boolean;
  enabled?: boolean;
  submenu?: MenuItemSnap[];
}

export interface StubState {
  ready: boolean;
  url: string | null;
  calls: string[];
  menusBuilt: number;
  tray: { image: string; images: string[]; tooltip: string; menu: MenuItemSnap[] | null; menusSet: number; destroyed: boolean; listeners: string[] } | null;
  trays: number;
  windows: {
    options: { webPreferences: Record<string, unknown> } & Record<string, unknown>;
    loads: string[];
    visible: boolean;
    destroyed: boolean;
    sent: unknown[][];
    navigateListeners: number;
    hasWindowOpenHandler: boolean;
  }[];
  notifications: { options: Record<string, unknown>; shown: boolean; clickListeners: number }[];
  clipboard: string[];
  openExternal: string[];
  errorBoxes: { title: string; content: string }[];
  ipcChannels: string[];
  ipcOn: string[];
  session: Record<string, boolean>;
  loginItem: boolean;
  appListeners: string[];
}

export interface StubApp {
  child: ChildProcess;
  userData: string;
  output: () => string;
  send<T = Record<string, unknown>>(cmd: string, args?: Record<string, unknown>): Promise<T & { ok: boolean }>;
  state(): Promise<StubState>;
  waitFor(check: (s: StubState) => boolean, what: string, timeoutMs?: number): Promise<StubState>;
  exited: Promise<number | null>;
  kill(): Promise<void>;
}

export function startStubApp(opts: { outDir: string; userData: string; env?: Record<string, string> }): StubApp {
  const child = spawn(process.execPath, ['--import', path.join(ROOT, 'test/support/electron-stub/register.mjs'), path.join(opts.outDir, 'main/index.js')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TZ: process.env.TZ,
      STUB_USER_DATA: opts.userData,
      STUB_APP_PATH: ROOT,
      TOLLGATE_PORT: '0',
      TOLLGATE_TEST_HOOKS: '1',
      // The app imports coding-tool logs: from empty folders here, never the machine's own.
      CLAUDE_CONFIG_DIR: path.join(opts.userData, 'claude-config'),
      CODEX_HOME: path.join(opts.userData, 'codex-home'),
      ...opts.env,
    },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let seq = 0;
  const pending = new Map<number, (m: Record<string, unknown>) => void>();
  child.on('message', (m: Record<string, unknown>) => {
    const cb = pending.get(m.id as number);
    pending.delete(m.id as number);
    cb?.(m);
  });

  const send = <T>(cmd: string, args: Record<string, unknown> = {}) =>
    new Promise<T & { ok: boolean }>((resolve, reject) => {
      const id = ++seq;
      const timer = setTimeout(() => reject(new Error(`stub app: no answer to ${cmd}\n${out}`)), 10_000);
      pending.set(id, (m) => {
        clearTimeout(timer);
        if (m.ok) resolve(m as T & { ok: boolean });
        else reject(new Error(`stub app: ${cmd} failed: ${String(m.error)}`));
      });
      child.send({ id, cmd, ...args });
    });

  const state = () => send<StubState>('state');
  return {
    child,
    userData: opts.userData,
    output: () => out,
    send,
    state,
    async waitFor(check, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await state();
        if (check(s)) return s;
        if (Date.now() > deadline) throw new Error(`stub app: timed out waiting for ${what}\n${JSON.stringify(s, null, 1).slice(0, 4000)}\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill();
        await exited;
      }
    },
  };
}

/** The labels of a stub menu, submenus indented, separators as "---". */
export function menuLabels(items: MenuItemSnap[] | null | undefined, indent = ''): string[] {
  return (items ?? []).flatMap((i) => (i.type === 'separator' ? [indent + '---'] : [indent + i.label, ...menuLabels(i.submenu, indent + '  ')]));
}

export function menuItem(items: MenuItemSnap[] | null | undefined, label: string): MenuItemSnap | undefined {
  for (const i of items ?? []) {
    if (i.label === label) return i;
    const sub = menuItem(i.submenu, label);
    if (sub) return sub;
  }
  return undefined;
}
