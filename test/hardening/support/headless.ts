/**
 * Tollgate as a real process, as `npm run serve` runs it, for the tests that kill it, fill its disk or load it.
 * `npm run test:hardening` builds first and sets TOLLGATE_HEADLESS to the built artifact (out/main/headless.js);
 * the normal `npm test` has no build step, so it runs the same entry from the sources through tsx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '../../support/wait.js';
import { upstreamEnvFor } from '../../../src/main/core/providers/describe.js';

export interface Headless {
  url: string;
  pid: number;
  dataDir: string;
  token: string;
  child: ChildProcess;
  /** Everything the process wrote to stderr (its log lines). */
  stderr(): string;
  admin<T = unknown>(channel: string, input?: unknown): Promise<{ status: number; body: { ok: boolean; data?: T; error?: { code: string; message: string } } }>;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const STORE_FILE = 'tollgate.json';

export function headlessEntry(): { args: string[]; what: string; file: string } {
  const bundle = process.env.TOLLGATE_HEADLESS;
  if (bundle) return { args: [path.resolve(bundle)], what: bundle, file: path.resolve(bundle) };
  const file = path.resolve('src/main/core/headless.ts');
  return { args: ['--import', 'tsx', file], what: 'src/main/core/headless.ts (tsx)', file };
}

export async function startHeadless(opts: {
  dataDir: string;
  upstream?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra node flags (e.g. --expose-gc, -r a probe). */
  nodeArgs?: string[];
  /** Run as another user (root only): to make a read-only folder mean something. */
  uid?: number;
  gid?: number;
  timeoutMs?: number;
}): Promise<Headless> {
  const upstreamEnv = opts.upstream
    ? upstreamEnvFor(opts.upstream)
    : {};
  const entry = headlessEntry();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...entry.args, '--port', '0', '--data-dir', opts.dataDir], {
    env: { ...process.env, ...upstreamEnv, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid ?? opts.uid } : {}),
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let dead = false;
  void exited.then(() => (dead = true));
  const url = await waitFor(
    () => {
      if (dead) throw new Error(`Tollgate exited before listening:\n${err}`);
      return /listening on (http:\/\/\S+)/.exec(out)?.[1];
    },
    opts.timeoutMs ?? 20_000,
    `Tollgate (${entry.what}) to listen`,
  );
  // A folder that cannot be written has no token file: Tollgate then keeps its token in memory.
  let token = '';
  try {
    token = fs.readFileSync(path.join(opts.dataDir, 'admin-token'), 'utf8').trim();
  } catch {}
  return {
    url,
    pid: child.pid!,
    dataDir: opts.dataDir,
    token,
    child,
    stderr: () => err,
    exited,
    async admin(channel, input) {
      const res = await fetch(`${url}/api/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: input === undefined ? undefined : JSON.stringify(input),
      });
      return { status: res.status, body: (await res.json()) as never };
    },
    kill(signal = 'SIGTERM') {
      if (!dead) child.kill(signal);
      return exited;
    },
  };
}

/** Reads and parses the store file; throws with the file's head when it does not parse. */
export function readStore(dataDir: string): Record<string, unknown> {
  const text = fs.readFileSync(path.join(dataDir, STORE_FILE), 'utf8');
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${STORE_FILE} does not parse (${(e as Error).message}): ${JSON.stringify(text.slice(0, 200))}`);
  }
}
