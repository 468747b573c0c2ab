/**
 * The processes the benchmark measures, each started in its own Node process so the load generator does not
 * share an event loop with what it measures: `node --import tsx bench/servers.ts <kind> [args]`. Prints the
 * URL it listens on as its first line.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startFakeUpstream } from '../test/support/fake-upstream.js';
import { tempDir } from '../test/support/harness.js';

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
    server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    return;
  }
  if (kind === 'tollgate') {
    // The built artifact `npm run serve` runs (out/main/headless.js), not the TypeScript sources through tsx.
    const upstream = args[0]!;
    const budgets = Number(args[1] ?? 0);
    const dir = tempDir('tollgate-bench-');
    const child = spawn(process.execPath, ['out/main/headless.js', '--port', '0', '--data-dir', dir], {
      env: { ...process.env, TOLLGATE_OPENAI_BASE_URL: upstream, TOLLGATE_ANTHROPIC_BASE_URL: upstream },
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
    // Budgets none of which stop the benchmark's traffic, but all of which are checked: 100 scopes of all kinds.
    for (let i = 0; i < budgets; i++) {
      const scope = [{}, { provider: 'openai' }, { keyId: `fp_${i}` }, { project: `p${i}` }, { model: 'gpt-4o*' }][i % 5];
      const res = await fetch(`${url}/api/budgets.create`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `b${i}`, scope, period: { kind: ['day', 'week', 'month'][i % 3] }, limitUsd: 1e6 }),
      });
      if (!res.ok) throw new Error(`budget ${i}: ${await res.text()}`);
    }
    console.log(url);
    return;
  }
  throw new Error(`unknown server kind ${kind}`);
}

void main();
