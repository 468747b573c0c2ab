/**
 * Where idle memory goes: starts the built headless server (as bench/history.ts does) against an empty data folder
 * and a year of history, warms it the same way, waits until idle, then reads the resident set from /proc and,
 * through a probe preloaded into the server, V8's heap by space and what native code holds outside it.
 * `tsx bench/memory.ts` (BENCH_HISTORY_ROWS scales the year down); `BENCH_MEMORY_TRACE=1` also lists the
 * packages the server has loaded by then (through a module hook, which costs memory of its own, so the figures
 * of that run are not the ones to quote).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { HISTORY_FILE } from '../src/main/core/history/module.js';
import { startFakeUpstream } from '../test/support/fake-upstream.js';
import { tempDir } from '../test/support/harness.js';
import { seedHistory } from '../test/support/history-seed.js';
import { yearOfRollups } from './history.js';
import { once } from './load.js';

const ROWS = Number(process.env.BENCH_HISTORY_ROWS ?? 1_000_000);
const TRACE = process.env.BENCH_MEMORY_TRACE === '1';
const WARM = Number(process.env.BENCH_MEMORY_REQUESTS ?? 5300);

/**
 * Runs inside the server: on SIGUSR2 prints one line of JSON with process.memoryUsage() and V8's heap spaces.
 * With the trace, a resolve hook (on Node's loader thread) sends every package URL it resolves back here.
 */
const PROBE = `
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import v8 from 'node:v8';
const loaded = new Set();
if (process.env.BENCH_MEMORY_TRACE === '1') {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (u) => loaded.add(u));
  port1.unref();
  const hook = 'export async function initialize({ port }) { globalThis.port = port; }' +
    'export async function resolve(s, c, next) { const r = await next(s, c); globalThis.port.postMessage(r.url); return r; }';
  register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: port2 }, transferList: [port2] });
}
process.on('SIGUSR2', () => {
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, [s.space_used_size, s.physical_space_size]]));
  const pkgs = new Set();
  for (const u of loaded) { const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(u); if (m) pkgs.add(m[1]); }
  // Packages loaded through require() (CommonJS, and what util/lazy-require.ts loads) are in its cache, not seen by the hook.
  for (const f of Object.keys(createRequire(process.cwd() + '/probe.js').cache)) { const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f); if (m) pkgs.add(m[1]); }
  process.stdout.write('MEMORY ' + JSON.stringify({ usage: process.memoryUsage(), spaces, packages: [...pkgs].sort() }) + '\\n');
});
`;

async function startServe(dir: string, upstream: string) {
  const built = path.join(process.env.TOLLGATE_BENCH_BUILD ?? 'out', 'main/headless.js');
  const child = spawn(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(PROBE)}`, built, '--port', '0', '--data-dir', dir], {
    env: { ...process.env, TOLLGATE_OPENAI_BASE_URL: upstream, TOLLGATE_NOTIFY: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearInterval(poll);
        resolve(m[1]!);
      }
    }, 20);
    child.once('exit', (code) => reject(new Error(`tollgate exited with ${code}`)));
  });
  const report = async () => {
    const from = out.length;
    child.kill('SIGUSR2');
    for (let i = 0; i < 100 && !out.slice(from).includes('\n', out.indexOf('MEMORY ', from)); i++) await new Promise((r) => setTimeout(r, 20));
    const line = out.slice(out.indexOf('MEMORY ', from) + 7).split('\n')[0]!;
    return JSON.parse(line) as { usage: NodeJS.MemoryUsage; spaces: Record<string, [number, number]>; packages: string[] };
  };
  return { url, child, report };
}

function status(pid: number): { rss: number; anon: number; file: number; hwm: number } {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(text)?.[1] ?? NaN) / 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), hwm: kb('VmHWM') };
}

const mb = (b: number) => (b / 1048576).toFixed(1);

async function measure(label: string, dir: string, upstream: string) {
  const s = await startServe(dir, upstream);
  try {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] });
    const headers = { authorization: 'Bearer sk-bench-000000000000' };
    const afterStart = status(s.child.pid!);
    for (let i = 0; i < WARM; i++) await once(`${s.url}/openai/v1/chat/completions`, body, headers);
    await new Promise((r) => setTimeout(r, 5000));
    const st = status(s.child.pid!);
    const later: string[] = [];
    for (const wait of (process.env.BENCH_MEMORY_LATER ?? '').split(',').filter(Boolean).map(Number)) {
      await new Promise((r) => setTimeout(r, wait * 1000));
      later.push(`+${wait} s: ${status(s.child.pid!).rss.toFixed(1)} MB`);
    }
    const r = await s.report();
    const u = r.usage;
    console.log(`\n${label}`);
    console.log(`  RSS after start ${afterStart.rss.toFixed(1)} MB; idle after ${WARM} requests: ${st.rss.toFixed(1)} MB (anonymous ${st.anon.toFixed(1)}, file-backed ${st.file.toFixed(1)}; peak ${st.hwm.toFixed(1)})`);
    console.log(`  V8 heap: total ${mb(u.heapTotal)} MB, used ${mb(u.heapUsed)} MB; external ${mb(u.external)} MB (array buffers ${mb(u.arrayBuffers)})`);
    const spaces = Object.entries(r.spaces).filter(([, v]) => v[1] > 0);
    console.log(`  heap spaces, used/resident (MB): ${spaces.map(([k, v]) => `${k.replace('_space', '')} ${mb(v[0])}/${mb(v[1])}`).join(', ')}`);
    console.log(`  anonymous outside the V8 heap: ${(st.anon - u.heapTotal / 1048576).toFixed(1)} MB (native: SQLite, Node, code)`);
    if (later.length) console.log(`  RSS later: ${later.join(', ')}`);
    if (TRACE) console.log(`  packages loaded: ${r.packages.join(', ')}`);
  } finally {
    s.child.kill('SIGTERM');
    await new Promise((r) => s.child.once('exit', r));
  }
}

async function main() {
  const fake = await startFakeUpstream();
  const empty = tempDir('tollgate-mem-empty-');
  const year = process.env.BENCH_MEMORY_YEAR_DIR ?? tempDir('tollgate-mem-year-');
  if (!fs.existsSync(path.join(year, HISTORY_FILE))) {
    const end = Date.now();
    const lastSeq = seedHistory(path.join(year, HISTORY_FILE), { rows: ROWS, endMs: end, days: 365, keys: 10, models: 6 });
    fs.writeFileSync(path.join(year, 'tollgate.json'), JSON.stringify({ ledger: { version: 1, recent: [], rollups: yearOfRollups(end), historySeq: lastSeq }, settings: { historyRetentionDays: 400 } }));
    // The first start moves old rollups into the database, once; the measurement is of the starts after it.
    const first = await startServe(year, fake.url);
    await new Promise((r) => setTimeout(r, 1500));
    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
  }
  // A bare Node process, for the floor every figure sits on.
  const bare = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  await new Promise((r) => setTimeout(r, 500));
  console.log(`bare node: RSS ${status(bare.pid!).rss.toFixed(1)} MB`);
  bare.kill();
  await measure('empty data folder', empty, fake.url);
  await measure(`a year: ${ROWS.toLocaleString('en-US')} requests`, year, fake.url);
  await fake.close();
}

void main();
