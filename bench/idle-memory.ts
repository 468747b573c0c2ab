/**
 * How the benches measure idle memory (bench/history.ts's table and bench/memory.ts's breakdown), so the two agree:
 * the server runs with a small probe preloaded; after its warm-up the bench waits, reads the resident set from
 * /proc at 5 s (what the benches printed before) and again once idle, IDLE_MS after the last request, when the
 * history's checkpoint thread has left (it does after 30 s without writes, history/checkpointer.ts), the
 * headless server's idle collection has run (30–35 s after the last request, util/idle-gc.ts) and the store's
 * and history's timers have nothing left to write; then asks the probe for V8's heap at that moment.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** From the last request to the idle reading: past the checkpoint thread's leaving and the idle collection. */
export const IDLE_MS = 45_000;
/** The earlier reading, the settle time both benches used before (the checkpoint thread is still there). */
export const EARLY_MS = 5_000;

/**
 * Runs inside the server: on SIGUSR2 prints one line of JSON with process.memoryUsage() and V8's heap spaces.
 * With BENCH_MEMORY_TRACE=1, a resolve hook (on Node's loader thread) sends every package URL it resolves back here.
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

/** Node arguments that preload the probe; they go before the entry script. */
export const probeArgs = (): string[] => ['--import', `data:text/javascript,${encodeURIComponent(PROBE)}`];

export interface Status {
  rss: number;
  anon: number;
  file: number;
  /** Peak resident set. */
  hwm: number;
  threads: number;
}

/** The resident set from /proc, in MB. */
export function procStatus(pid: number): Status {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(text)?.[1] ?? NaN) / 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), hwm: kb('VmHWM'), threads: Number(/Threads:\s+(\d+)/.exec(text)?.[1] ?? NaN) };
}

export interface ProbeReport {
  usage: NodeJS.MemoryUsage;
  spaces: Record<string, [number, number]>;
  packages: string[];
}

/** Collects the child's stdout (the bench reads its "listening on" line from `text()`) and asks the probe. */
export function attachProbe(child: ChildProcess) {
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return {
    text: () => out,
    async report(): Promise<ProbeReport> {
      const from = out.length;
      child.kill('SIGUSR2');
      for (let i = 0; i < 100 && !out.slice(from).includes('\n', out.indexOf('MEMORY ', from)); i++) await new Promise((r) => setTimeout(r, 20));
      const line = out.slice(out.indexOf('MEMORY ', from) + 7).split('\n')[0]!;
      return JSON.parse(line) as ProbeReport;
    },
  };
}

export interface IdleMemory {
  early: Status;
  idle: Status;
  probe: ProbeReport;
}

/** Call right after the last request: waits EARLY_MS and IDLE_MS, reading /proc at each, then the probe. */
export async function measureIdle(child: ChildProcess, probe: ReturnType<typeof attachProbe>): Promise<IdleMemory> {
  await new Promise((r) => setTimeout(r, EARLY_MS));
  const early = procStatus(child.pid!);
  await new Promise((r) => setTimeout(r, IDLE_MS - EARLY_MS));
  const idle = procStatus(child.pid!);
  return { early, idle, probe: await probe.report() };
}

const mb = (b: number) => (b / 1048576).toFixed(1);

/**
 * The idle resident set split: file-backed pages (Node's binary and libraries, shared with other processes but
 * counted), V8's heap by space, and the anonymous memory outside it (SQLite, Node, ICU, malloc's free lists).
 */
export function breakdown(m: IdleMemory): string[] {
  const u = m.probe.usage;
  const spaces = Object.entries(m.probe.spaces).filter(([, v]) => v[1] > 0);
  return [
    `RSS +${EARLY_MS / 1000} s ${m.early.rss.toFixed(1)} MB (${m.early.threads} threads); idle (+${IDLE_MS / 1000} s) ${m.idle.rss.toFixed(1)} MB (${m.idle.threads} threads): file-backed ${m.idle.file.toFixed(1)}, anonymous ${m.idle.anon.toFixed(1)}; peak ${m.idle.hwm.toFixed(1)}`,
    `V8 heap: total ${mb(u.heapTotal)} MB, used ${mb(u.heapUsed)} MB; external ${mb(u.external)} MB (array buffers ${mb(u.arrayBuffers)})`,
    `heap spaces, used/resident (MB): ${spaces.map(([k, v]) => `${k.replace('_space', '')} ${mb(v[0])}/${mb(v[1])}`).join(', ')}`,
    `anonymous outside the V8 heap: ${(m.idle.anon - u.heapTotal / 1048576).toFixed(1)} MB (native: SQLite, Node, ICU, malloc)`,
  ];
}
