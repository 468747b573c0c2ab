import { spawn, type ChildProcess } from 'node:child_process';

export interface ServedTollgate {
  url: string;
  /** The one-time sign-in link headless mode prints. */
  loginUrl: string;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * Runs `npm run serve` as a person would, in its own process group so that stopping it stops npm, tsx and node
 * together, and reads the address and sign-in link from what it prints.
 */
export async function startServe(opts: { dataDir: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<ServedTollgate> {
  const child: ChildProcess = spawn('npm', ['run', 'serve', '--', '--port', '0', '--data-dir', opts.dataDir], {
    cwd: process.cwd(),
    env: { ...process.env, ...opts.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
      const killed = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
      if (!killed) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }
    }
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  for (;;) {
    const url = /Tollgate listening on (http:\/\/\S+)/.exec(out)?.[1];
    const loginUrl = /Dashboard: (http:\/\/\S+\/login\?code=\S+)/.exec(out)?.[1];
    if (url && loginUrl) return { url, loginUrl, output: () => out, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`npm run serve did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
