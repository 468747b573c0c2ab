/**
 * A throwaway desktop for notification tests: Xvfb (display chosen by Xvfb itself), a private D-Bus session bus
 * and dunst as the notification daemon. Everything started here is stopped by process id.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const NEEDED = ['Xvfb', 'dbus-launch', 'dbus-send', 'dunst', 'dunstctl', 'notify-send'];

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, bin), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why a desktop session cannot start here, or null when it can. */
export function desktopUnavailable(): string | null {
  if (process.platform !== 'linux') return 'needs Linux (Xvfb, D-Bus, dunst)';
  const missing = NEEDED.filter((b) => !onPath(b));
  return missing.length ? `missing ${missing.join(', ')} (apt-get install libnotify-bin xvfb dbus-x11 dunst x11-utils)` : null;
}

export interface DunstNotification {
  summary: string;
  /** The body as received: markup, per the Desktop Notifications spec. */
  body: string;
  /** The body as a person reads it: markup removed and entities decoded. */
  bodyText: string;
  appname: string;
  iconPath: string;
}

/** Body markup (b, i, u, a, img) to text: what a notification server shows. */
const markupToText = (s: string) =>
  s
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

export interface DesktopSession {
  env: { DISPLAY: string; DBUS_SESSION_BUS_ADDRESS: string; XDG_RUNTIME_DIR: string };
  /** Notifications on screen right now. */
  displayed(): Promise<number>;
  /** Closes what is on screen (which moves it to the history) and returns the whole history, oldest first. */
  history(): Promise<DunstNotification[]>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
    }, 2000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startDesktopSession(): Promise<DesktopSession> {
  const runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-xdg-'));
  fs.chmodSync(runtime, 0o700);
  let xvfb: ChildProcess | null = null;
  let dunst: ChildProcess | null = null;
  let busPid: number | null = null;
  const cleanup = async () => {
    await stopChild(dunst);
    if (busPid) {
      try {
        process.kill(busPid, 'SIGTERM');
      } catch {}
    }
    await stopChild(xvfb);
    fs.rmSync(runtime, { recursive: true, force: true });
  };
  try {
    // -displayfd: Xvfb picks a free display and writes its number to fd 3, so parallel runs never collide.
    xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    const display = await new Promise<string>((resolve, reject) => {
      let text = '';
      const t = setTimeout(() => reject(new Error('Xvfb did not report a display')), 10_000);
      (xvfb!.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('\n')) {
          clearTimeout(t);
          resolve(':' + text.trim());
        }
      });
      xvfb!.once('exit', (code) => reject(new Error(`Xvfb exited (${code})`)));
    });
    const base = { ...process.env, DISPLAY: display, XDG_RUNTIME_DIR: runtime };
    const { stdout } = await run('dbus-launch', ['--sh-syntax'], { env: base });
    const address = /DBUS_SESSION_BUS_ADDRESS='([^']+)'/.exec(stdout)?.[1];
    busPid = Number(/DBUS_SESSION_BUS_PID=(\d+)/.exec(stdout)?.[1]) || null;
    if (!address) throw new Error(`dbus-launch gave no address: ${stdout}`);
    const env = { DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: runtime };
    const full = { ...process.env, ...env };
    dunst = spawn('dunst', [], { env: full, stdio: 'ignore' });
    // Ask whether dunst owns the name; NameHasOwner does not auto-start a second daemon the way Notify would.
    for (let i = 0; ; i++) {
      const r = await run('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.Notifications'], { env: full }).catch(() => ({ stdout: '' }));
      if (r.stdout.includes('boolean true')) break;
      if (i > 100) throw new Error('dunst did not take org.freedesktop.Notifications');
      await sleep(50);
    }
    const dunstctl = async (...args: string[]) => (await run('dunstctl', args, { env: full })).stdout;
    return {
      env,
      displayed: async () => Number((await dunstctl('count', 'displayed')).trim()),
      async history() {
        await dunstctl('close-all');
        await sleep(100);
        const parsed = JSON.parse(await dunstctl('history')) as { data: Record<string, { data: unknown }>[][] };
        return (parsed.data[0] ?? [])
          .map((n) => ({
            id: Number(n.id?.data),
            summary: String(n.summary?.data ?? ''),
            body: String(n.body?.data ?? ''),
            bodyText: markupToText(String(n.body?.data ?? '')),
            appname: String(n.appname?.data ?? ''),
            iconPath: String(n.icon_path?.data ?? ''),
          }))
          .sort((a, b) => a.id - b.id)
          .map(({ id: _id, ...rest }) => rest);
      },
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
