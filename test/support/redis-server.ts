import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BIN = process.env.REDIS_SERVER ?? 'redis-server';

/** Why Redis tests cannot run here, or null when redis-server is installed. */
export function redisMissing(): string | null {
  const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? null : `redis-server is not installed (${r.error?.message ?? r.stderr}); team mode tests need Redis 7`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  url: string;
  port: number;
  /** SIGKILL: no shutdown save, clients see the connection drop. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder (an append-only file, if on, brings the data back). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A redis-server of the test's own on a free loopback port, with its files in a temp folder. `appendOnly`
 * fsyncs every write, so a SIGKILL loses nothing: the kill-and-restart test needs data to survive it.
 */
export async function startRedis(o: { appendOnly?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-redis-'));
  let child: ChildProcess | null = null;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...(o.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];

  async function launch() {
    const c = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let out = '';
    c.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    c.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const deadline = Date.now() + 10_000;
    while (!/Ready to accept connections/.test(out)) {
      if (c.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  async function kill(signal: NodeJS.Signals) {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
  }
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => kill('SIGKILL'),
    restart: launch,
    async stop() {
      await kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
