/**
 * The processes the benchmark measures, each started in its own Node process so the load generator does not
 * share an event loop with what it measures: `node --import tsx bench/servers.ts <kind> [args]`. Prints the
 * URL it listens on as its first line.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { Pool } from 'undici';
import fs from 'node:fs';
import path from 'node:path';
import { startFakeUpstream } from '../test/support/fake-upstream.js';
import { tempDir } from '../test/support/harness.js';
import { createBenchBudgets } from './budgets.js';

const [kind, ...args] = process.argv.slice(2);

async function main() {
  if (kind === 'upstream') {
    const fake = await startFakeUpstream();
    console.log(fake.url);
    return;
  }
  if (kind === 'pipe') {
    // The floor for any Node proxy: http.request piping both ways, no parsing, a keep-alive agent.
    const target = new URL(args[0]!);
    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
    const server = http.createServer((req, res) => {
      const up = http.request({ hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, agent }, (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    server.keepAliveTimeout = 65_000;
    // An orderly exit, so a profiled run (`node --cpu-prof`, bench/profile.ts) writes its profile.
    process.on('SIGTERM', () => process.exit(0));
    server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    return;
  }
  if (kind === 'undici-pipe') {
    // The same pipe with undici (the client under Node's fetch, and Tollgate's upstream leg) in place of
    // http.request: the request body read whole (as any metering proxy must), the answer's bytes passed on as
    // they arrive, no parsing.
    const target = new URL(args[0]!);
    const pool = new Pool(target.origin);
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (k !== 'connection' && k !== 'host' && typeof v === 'string') headers[k] = v;
        pool.dispatch(
          { origin: target.origin, path: req.url!, method: 'POST', headers, body: Buffer.concat(chunks) },
          {
            onConnect() {},
            onHeaders(status, raw) {
              const h: string[] = [];
              for (let i = 0; i < raw.length; i += 2) {
                const k = raw[i]!.toString('latin1');
                if (!/^(connection|keep-alive)$/i.test(k)) h.push(k, raw[i + 1]!.toString('latin1'));
              }
              res.writeHead(status, h);
              return true;
            },
            onData(c) {
              res.write(c);
              return true;
            },
            onComplete() {
              res.end();
            },
            onError() {
              res.destroy();
            },
          },
        );
      });
    });
    server.keepAliveTimeout = 65_000;
    process.on('SIGTERM', () => process.exit(0));
    server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    return;
  }
  if (kind === 'tollgate') {
    // The built artifact `npm run serve` runs (out/main/headless.js), not the TypeScript sources through tsx.
    const upstream = args[0]!;
    const budgets = Number(args[1] ?? 0);
    // A third argument: team mode against this Redis (bench/team.ts).
    const redis = args[2] ? ['--redis', args[2]] : [];
    const dir = tempDir('tollgate-bench-');
    // TOLLGATE_BENCH_BUILD names another build's folder (a copy of out/), to compare two builds side by side.
    const entry = path.join(process.env.TOLLGATE_BENCH_BUILD ?? 'out', 'main/headless.js');
    // Without a build (bench/team.ts run on its own), the sources through tsx's loader.
    const argv = fs.existsSync(entry) ? [entry] : ['--import', 'tsx', 'src/main/core/headless.ts'];
    const child = spawn(process.execPath, [...argv, '--port', '0', '--data-dir', dir, ...redis], {
      env: { ...process.env, TOLLGATE_OPENAI_BASE_URL: upstream, TOLLGATE_ANTHROPIC_BASE_URL: upstream, TOLLGATE_NOTIFY: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
    child.on('exit', (code) => process.exit(code ?? 0));
    const url = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
    });
    const token = fs.readFileSync(path.join(dir, 'admin-token'), 'utf8').trim();
    await createBenchBudgets(url, token, budgets);
    console.log(url);
    return;
  }
  throw new Error(`unknown server kind ${kind}`);
}

void main();
