/**
 * CPU per request of each proxy process, from its own utime+stime in /proc (Linux): steadier than wall-clock
 * throughput when other work shares the machine, because time spent waiting for a core is not counted.
 * `tsx bench/cpu.ts [rounds] [seconds] [build folder…]`: each build folder is a copy of out/ (default: out
 * itself, so run `npm run build` first); several are measured side by side, to compare a change with its base.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { median } from './load.js';
import { readCpu, serverPid } from './proc-cpu.js';
import { wrk } from './wrk.js';

const ROUNDS = Number(process.argv[2] ?? 5);
const SECONDS = Number(process.argv[3] ?? 3);
const BUILDS = process.argv.length > 4 ? process.argv.slice(4) : ['out'];
const children: ChildProcess[] = [];

interface Server {
  url: string;
  pid: number;
}

function start(kind: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/servers.ts', kind, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  children.push(child);
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (url) => resolve({ url, pid: serverPid(child.pid!, kind) }));
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}`)));
  });
}

interface Case {
  name: string;
  server: Server;
  path: string;
  body: string;
  headers: Record<string, string>;
  c: number;
}

async function main() {
  const up = await start('upstream', {});
  const pipe = await start('pipe', {}, up.url);
  const headers = { authorization: 'Bearer sk-bench-000000000000' };
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello in one short sentence.' }] });
  const sbody = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const sheaders = { ...headers, 'x-fake': JSON.stringify({ chunks: 20, text: 'x'.repeat(400) }) };
  const P = '/v1/chat/completions';
  const cases: Case[] = [
    { name: 'pipe c=16', server: pipe, path: P, body, headers, c: 16 },
    { name: 'pipe stream20 c=16', server: pipe, path: P, body: sbody, headers: sheaders, c: 16 },
  ];
  for (const build of BUILDS) {
    const env = { TOLLGATE_BENCH_BUILD: build };
    const [tg, tg100] = await Promise.all([start('tollgate', env, up.url, '0'), start('tollgate', env, up.url, '100')]);
    cases.push({ name: `${build} c=16`, server: tg, path: `/openai${P}`, body, headers, c: 16 });
    cases.push({ name: `${build} 100 budgets c=16`, server: tg100, path: `/openai${P}`, body, headers, c: 16 });
    cases.push({ name: `${build} stream20 c=16`, server: tg, path: `/openai${P}`, body: sbody, headers: sheaders, c: 16 });
  }
  for (const k of cases) wrk(k.server.url + k.path, k.body, k.headers, k.c, 1); // warm-up: JIT, sockets, caches
  const per: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    // Round-robin, so drift in the machine's load spreads over every case alike.
    for (const k of cases) {
      const before = readCpu(k.server.pid).total;
      const r = wrk(k.server.url + k.path, k.body, k.headers, k.c, SECONDS);
      const after = readCpu(k.server.pid).total;
      if (r.errors) console.error(`${k.name}: ${r.errors} errors`);
      (per[k.name] ??= []).push((after - before) / r.requests);
    }
  }
  const width = Math.max(...cases.map((k) => k.name.length)) + 2;
  console.log(`${'case'.padEnd(width)}µs CPU/request, median   per round`);
  for (const k of cases) console.log(`${k.name.padEnd(width)}${median(per[k.name]!).toFixed(1).padStart(10)}   ${per[k.name]!.map((v) => v.toFixed(0)).join(' ')}`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) c.kill();
  });
