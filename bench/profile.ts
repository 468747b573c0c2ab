/**
 * `npm run bench:profile`: where a request's CPU goes, Tollgate next to the bare Node pipe. Each measured process
 * runs under V8's sampling profiler (`--cpu-prof`); only the samples taken while wrk drives it at c=16 count (the
 * proxy is CPU-bound there, so CPU per request is what bounds throughput). V8 stamps samples with the monotonic
 * clock that `process.hrtime` reads here, so the window is cut by time. Samples are summed by the code they fell
 * in; Tollgate runs from its sources (through tsx) so they name the core's folders.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { tempDir } from '../test/support/harness.js';
import { createBenchBudgets } from './budgets.js';
import { hasWrk, wrk } from './wrk.js';

const SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 6);
const PIN = os.cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
if (PIN) spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)]);
const children: ChildProcess[] = [];

interface Proc {
  child: ChildProcess;
  lines: Interface;
  url: string;
  /** Where --cpu-prof writes this process's profile when it exits; '' when it is not profiled. */
  profileDir: string;
}

function launch(args: string[], env: NodeJS.ProcessEnv, urlFrom: RegExp, profileDir = '', core = 1): Promise<Proc> {
  const cmd = PIN ? 'taskset' : process.execPath;
  const prof = profileDir ? ['--cpu-prof', '--cpu-prof-interval', '1000', '--cpu-prof-dir', profileDir] : [];
  const argv = [...(PIN ? ['-c', String(core), process.execPath] : []), ...prof, ...args];
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    const onLine = (l: string) => {
      const m = urlFrom.exec(l);
      if (!m) return;
      lines.off('line', onLine);
      resolve({ child, lines, url: m[1]!, profileDir });
    };
    lines.on('line', onLine);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

const TSX = ['--import', 'tsx'];

async function startTollgate(upstream: string, budgets: number, out: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Proc> {
  const dir = tempDir('tollgate-profile-');
  const env = { TOLLGATE_OPENAI_BASE_URL: upstream, TOLLGATE_NOTIFY: '0', ...extraEnv };
  const p = await launch([...TSX, 'src/main/core/headless.ts', '--port', '0', '--data-dir', dir], env, /listening on (\S+)/, out);
  await createBenchBudgets(p.url, fs.readFileSync(path.join(dir, 'admin-token'), 'utf8').trim(), budgets);
  return p;
}

/** Stops a profiled process gracefully (so V8 writes its profile) and returns the profile's path. */
function stopAndCollect(p: Proc): Promise<string> {
  return new Promise((resolve, reject) => {
    p.child.once('exit', () => {
      const f = fs.readdirSync(p.profileDir).find((n) => n.endsWith('.cpuprofile'));
      if (f) resolve(path.join(p.profileDir, f));
      else reject(new Error(`no profile in ${p.profileDir}`));
    });
    p.child.kill('SIGTERM');
  });
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A measured stretch, in the monotonic clock's microseconds, and the requests wrk completed in it. */
interface Window {
  from: number;
  to: number;
  requests: number;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

const BUCKETS = [
  'budgets',
  'proxy (forwarding, headers, body)',
  'providers & stream parsing',
  'pricing',
  'ledger, store, keys',
  'other Tollgate code',
  'node http',
  'node net & streams',
  'V8 builtins (JSON, regexp…)',
  'garbage collection',
  'other (program, node internals)',
] as const;
type Bucket = (typeof BUCKETS)[number];

function bucketOf(url: string, fn: string): Bucket | null {
  if (fn === '(idle)') return null;
  if (fn === '(garbage collector)') return 'garbage collection';
  if (url.includes('/core/budgets/')) return 'budgets';
  if (url.includes('/core/providers/') || url.includes('/proxy/sse') || url.includes('/proxy/framing')) return 'providers & stream parsing';
  if (url.includes('/core/proxy/')) return 'proxy (forwarding, headers, body)';
  if (url.includes('/core/pricing/') || url.includes('genai-prices')) return 'pricing';
  if (url.includes('/core/ledger/') || url.includes('/core/store/') || url.includes('/core/keys/') || url.includes('/node_modules/conf/')) return 'ledger, store, keys';
  if (url.includes('/src/main/core/') || url.includes('/bench/servers')) return 'other Tollgate code';
  if (/^node:(_http|http)/.test(url) || url.includes('internal/http')) return 'node http';
  if (/^node:(net|stream|internal\/(streams|stream_base|net))/.test(url) || url.startsWith('node:internal/streams')) return 'node net & streams';
  if (url === '' && fn !== '(program)' && fn !== '(root)') return 'V8 builtins (JSON, regexp…)';
  return 'other (program, node internals)';
}

/** Microseconds of CPU per request by bucket, from the samples inside the window; a sample lasts until the next. */
function perRequest(file: string, w: Window): Map<Bucket, number> {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, bucketOf(n.callFrame.url, n.callFrame.functionName)]));
  const sums = new Map<Bucket, number>(BUCKETS.map((b) => [b, 0]));
  let t = prof.startTime;
  for (let i = 0; i < prof.samples.length - 1; i++) {
    t += prof.timeDeltas[i]!;
    if (t < w.from || t >= w.to) continue;
    const b = byId.get(prof.samples[i]!);
    if (b) sums.set(b, sums.get(b)! + prof.timeDeltas[i + 1]!);
  }
  for (const [b, us] of sums) sums.set(b, us / w.requests);
  return sums;
}

function measure(url: string, body: string, headers: Record<string, string>): { rps: number; window: Window } {
  wrk(url, body, headers, 16, 2); // warm-up: JIT, sockets, caches
  const from = nowUs();
  const r = wrk(url, body, headers, 16, SECONDS);
  return { rps: r.rps, window: { from, to: nowUs(), requests: r.requests } };
}

const table = (rows: (string | number)[][]) => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]!) : String(v).padStart(widths[c]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
};

async function main() {
  if (!hasWrk()) throw new Error('bench:profile needs wrk (apt-get install wrk)');
  const out = tempDir('tollgate-profiles-');
  // The measured process gets core 1 to itself (the others wait idle there); the upstream shares core 0 with wrk.
  // A sample's time is wall time until the next one, so CPU per request is honest only on an unshared core.
  const upstream = await launch(['--import', 'tsx', 'bench/servers.ts', 'upstream'], {}, /^(http\S+)/, '', 0);
  const pipe = await launch([...TSX, 'bench/servers.ts', 'pipe', upstream.url], {}, /^(http\S+)/, path.join(out, 'pipe'));
  const tg = await startTollgate(upstream.url, 0, path.join(out, 'tollgate'));
  const tg100 = await startTollgate(upstream.url, 100, path.join(out, 'tollgate100'));
  // Without the history database: the difference from "Tollgate" is what writing each record before its answer's
  // last byte costs.
  const tgNoHistory = await startTollgate(upstream.url, 0, path.join(out, 'tollgate-no-history'), { TOLLGATE_HISTORY: '0' });
  const headers = { authorization: 'Bearer sk-bench-000000000000' };
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello in one short sentence.' }] });
  const sbody = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const sheaders = { ...headers, 'x-fake': JSON.stringify({ chunks: 20, text: 'x'.repeat(400) }) };

  type Col = { title: string; name: string; proc: Proc; rps: number; window: Window };
  const cols: Col[] = [];
  for (const [title, b, h, targets] of [
    ['Non-streamed chat completion', body, headers, [['bare pipe', pipe, '/v1/chat/completions'], ['Tollgate', tg, '/openai/v1/chat/completions'], ['Tollgate, 100 budgets', tg100, '/openai/v1/chat/completions'], ['Tollgate, no history', tgNoHistory, '/openai/v1/chat/completions']]],
    ['Streamed chat completion, 20 chunks', sbody, sheaders, [['bare pipe', pipe, '/v1/chat/completions'], ['Tollgate', tg, '/openai/v1/chat/completions']]],
  ] as const) {
    for (const [name, proc, route] of targets) cols.push({ title, name, proc, ...measure(proc.url + route, b, h) });
  }
  const files = new Map<Proc, string>();
  for (const p of [pipe, tg, tg100, tgNoHistory]) files.set(p, await stopAndCollect(p));

  console.log(`\nCPU per request by where it is spent, µs (V8 sampling profiler at 1 ms; wrk c=16 for ${SECONDS} s per column; ${os.cpus().length} cores${PIN ? ', the measured server alone on core 1, upstream and wrk on core 0' : ''})\n`);
  for (const title of [...new Set(cols.map((c) => c.title))]) {
    const results = cols.filter((c) => c.title === title).map((c) => ({ ...c, cpu: perRequest(files.get(c.proc)!, c.window) }));
    const rows: (string | number)[][] = [[title, ...results.map((r) => r.name)]];
    for (const bucket of BUCKETS) rows.push([bucket, ...results.map((r) => r.cpu.get(bucket)!.toFixed(1))]);
    const total = (r: (typeof results)[number]) => [...r.cpu.values()].reduce((a, v) => a + v, 0);
    rows.push(['total CPU per request', ...results.map((r) => total(r).toFixed(1))]);
    rows.push(['vs the pipe', ...results.map((r) => `${(total(r) / total(results[0]!)).toFixed(2)}x`)]);
    rows.push(['req/s while profiled', ...results.map((r) => r.rps.toFixed(0))]);
    table(rows);
    console.log('');
  }
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) c.kill();
  });
