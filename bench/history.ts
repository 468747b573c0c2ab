/**
 * The history database's cost on the hot path: p99 of proxied requests at c=1 against a Tollgate with an empty
 * data folder and one with a year of history (1M requests in the database, day rollups for 10 keys × 6 models ×
 * 365 days in the store, as a long-lived install has), as a ratio; and idle RSS with that history, read as
 * bench/memory.ts reads it (bench/idle-memory.ts), with its breakdown printed below the table.
 * Run alone: `tsx bench/history.ts` (BENCH_HISTORY_ROWS scales the history down for a quick look).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { HISTORY_FILE } from '../src/main/core/history/module.js';
import { startFakeUpstream } from '../test/support/fake-upstream.js';
import { tempDir } from '../test/support/harness.js';
import { seedHistory } from '../test/support/history-seed.js';
import { attachProbe, breakdown, EARLY_MS, IDLE_MS, measureIdle, probeArgs, type IdleMemory } from './idle-memory.js';
import { once, percentile } from './load.js';

const ROWS = Number(process.env.BENCH_HISTORY_ROWS ?? 1_000_000);
const KEYS = 10;
const MODELS = 6;
const DAYS = 365;
const ROUNDS = 5;
const PER_ROUND = Number(process.env.BENCH_HISTORY_REQUESTS ?? 1000);

/** The built artifact when there is one (npm run bench builds first), else the sources through tsx. */
function entry(): string[] {
  const built = path.join(process.env.TOLLGATE_BENCH_BUILD ?? 'out', 'main/headless.js');
  return fs.existsSync(built) ? [built] : ['--import', 'tsx', 'src/main/core/headless.ts'];
}

export function yearOfRollups(end: number) {
  const rows = [];
  for (let d = 0; d < DAYS; d++) {
    const day = new Date(end - d * 86_400_000).toISOString().slice(0, 10);
    for (let k = 0; k < KEYS; k++) {
      for (let m = 0; m < MODELS; m++) {
        rows.push({ day, provider: 'openai', keyId: `key_${k}`, model: `model-${m}`, project: null, requests: 2700, errors: 40, partial: 3, unpricedRequests: 0, inputTokens: 27_000_000, cacheReadTokens: 9_000_000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 2_700_000, reasoningTokens: 0, costUsd: 121.5 });
      }
    }
  }
  return rows;
}

async function startServe(dir: string, upstream: string): Promise<{ url: string; child: ChildProcess; probe: ReturnType<typeof attachProbe> }> {
  const child = spawn(process.execPath, [...probeArgs(), ...entry(), '--port', '0', '--data-dir', dir], {
    env: { ...process.env, TOLLGATE_OPENAI_BASE_URL: upstream, TOLLGATE_NOTIFY: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const probe = attachProbe(child);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const m = /listening on (\S+)/.exec(probe.text());
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`tollgate exited with ${code}`)));
  });
  return { url, child, probe };
}

/** The table's rows, and the idle memory's breakdown per server, to print below it. */
export async function benchHistory(): Promise<{ rows: (string | number)[][]; notes: string[] }> {
  const fake = await startFakeUpstream();
  const empty = tempDir('tollgate-bench-empty-');
  const year = tempDir('tollgate-bench-year-');
  const end = Date.now();
  const t0 = performance.now();
  const lastSeq = seedHistory(path.join(year, HISTORY_FILE), { rows: ROWS, endMs: end, days: DAYS, keys: KEYS, models: MODELS });
  // Retention above a year, so the measurement is not of the first prune deleting three quarters of it.
  fs.writeFileSync(path.join(year, 'tollgate.json'), JSON.stringify({ ledger: { version: 1, recent: [], rollups: yearOfRollups(end), historySeq: lastSeq }, settings: { historyRetentionDays: 400 } }));
  const seeded = (performance.now() - t0) / 1000;
  // A first start moves the rollups older than a week out of the store into the database (once, as after an
  // upgrade); the measurement is of the starts after it, what a long-lived install runs every day.
  const first = await startServe(year, fake.url);
  await new Promise((r) => setTimeout(r, 1500));
  first.child.kill('SIGTERM');
  await new Promise((r) => first.child.once('exit', r));
  const servers = await Promise.all([startServe(empty, fake.url), startServe(year, fake.url)]);
  try {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] });
    const headers = { authorization: 'Bearer sk-bench-000000000000' };
    const urls = servers.map((s) => `${s.url}/openai/v1/chat/completions`);
    for (const u of urls) for (let i = 0; i < 300; i++) await once(u, body, headers);
    const ms: number[][] = [[], []];
    // Round-robin, so load from elsewhere on the machine falls on both alike.
    for (let r = 0; r < ROUNDS; r++) {
      for (const [i, u] of urls.entries()) for (let n = 0; n < PER_ROUND; n++) ms[i]!.push((await once(u, body, headers)).ms);
    }
    // Both at once: the same wait for each (bench/idle-memory.ts says when idle is).
    const mem: IdleMemory[] = await Promise.all(servers.map((s) => measureIdle(s.child, s.probe)));
    const rss = mem.map((m) => `${m.early.rss.toFixed(0)} → ${m.idle.rss.toFixed(0)}`);
    const p = ms.map((xs) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) }));
    const bytes = fs.statSync(path.join(year, HISTORY_FILE)).size;
    const store = fs.statSync(path.join(year, 'tollgate.json')).size;
    const rows = [
      ['c=1, non-streamed', 'p50 ms', 'p99 ms', 'p99 vs empty', `RSS MB +${EARLY_MS / 1000} s → idle`, 'store file kB'],
      ['empty data folder', p[0]!.p50.toFixed(2), p[0]!.p99.toFixed(2), '1.00×', rss[0]!, (fs.statSync(path.join(empty, 'tollgate.json')).size / 1024).toFixed(0)],
      [`a year: ${ROWS.toLocaleString('en-US')} requests (${(bytes / 1e6).toFixed(0)} MB), ${(KEYS * MODELS * DAYS).toLocaleString('en-US')} rollups`, p[1]!.p50.toFixed(2), p[1]!.p99.toFixed(2), `${(p[1]!.p99 / p[0]!.p99).toFixed(2)}×`, rss[1]!, (store / 1024).toFixed(0)],
      [`(history seeded in ${seeded.toFixed(0)} s; ${ROUNDS * PER_ROUND} requests each; idle: ${IDLE_MS / 1000} s after the last)`, '', '', '', '', ''],
    ];
    const notes = ['empty data folder', 'a year'].flatMap((label, i) => [`${label}:`, ...breakdown(mem[i]!).map((l) => `  ${l}`)]);
    return { rows, notes };
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    await fake.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve('bench/history.ts')) {
  void benchHistory().then(({ rows, notes }) => {
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
    for (const r of rows) console.log(r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]!) : String(v).padStart(widths[c]!))).join('  '));
    console.log(`\n${notes.join('\n')}`);
  });
}
