/**
 * Where idle memory goes: starts the built headless server (as bench/history.ts does) against an empty data folder
 * and a year of history, warms it the same way, waits until idle, then reads the resident set from /proc and,
 * through a probe preloaded into the server, V8's heap by space and what native code holds outside it
 * (bench/idle-memory.ts: the same readings, at the same times, as bench/history.ts's table).
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
import { attachProbe, breakdown, measureIdle, probeArgs, procStatus } from './idle-memory.js';
import { once } from './load.js';

const ROWS = Number(process.env.BENCH_HISTORY_ROWS ?? 1_000_000);
const TRACE = process.env.BENCH_MEMORY_TRACE === '1';
const WARM = Number(process.env.BENCH_MEMORY_REQUESTS ?? 5300);

async function startServe(dir: string, upstream: string) {
  const built = path.join(process.env.TOLLGATE_BENCH_BUILD ?? 'out', 'main/headless.js');
  const child = spawn(process.execPath, [...probeArgs(), built, '--port', '0', '--data-dir', dir], {
    env: { ...process.env, TOLLGATE_OPENAI_BASE_URL: upstream, TOLLGATE_NOTIFY: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const probe = attachProbe(child);
  const url = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const m = /listening on (\S+)/.exec(probe.text());
      if (m) {
        clearInterval(poll);
        resolve(m[1]!);
      }
    }, 20);
    child.once('exit', (code) => reject(new Error(`tollgate exited with ${code}`)));
  });
  return { url, child, probe };
}

async function measure(label: string, dir: string, upstream: string) {
  const s = await startServe(dir, upstream);
  try {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] });
    const headers = { authorization: 'Bearer sk-bench-000000000000' };
    const afterStart = procStatus(s.child.pid!);
    for (let i = 0; i < WARM; i++) await once(`${s.url}/openai/v1/chat/completions`, body, headers);
    const m = await measureIdle(s.child, s.probe);
    console.log(`\n${label}`);
    console.log(`  RSS after start ${afterStart.rss.toFixed(1)} MB; then ${WARM} requests`);
    for (const line of breakdown(m)) console.log(`  ${line}`);
    if (TRACE) console.log(`  packages loaded: ${m.probe.packages.join(', ')}`);
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
  console.log(`bare node: RSS ${procStatus(bare.pid!).rss.toFixed(1)} MB`);
  bare.kill();
  await measure('empty data folder', empty, fake.url);
  await measure(`a year: ${ROWS.toLocaleString('en-US')} requests`, year, fake.url);
  await fake.close();
}

void main();
