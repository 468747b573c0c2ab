/**
 * The log import at scale, against a real headless Tollgate (a separate process, so its RSS is its own): generated
 * Claude Code transcripts appear in the watched folder at once (a rename), and while they are imported the proxy
 * keeps serving timed calls. Shared by the normal suite (tens of MB) and the hardening suite (1 GB).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { generateClaudeLogs, type GeneratedLogs } from '../../../support/coding-log-gen.js';
import { startFakeUpstream } from '../../../support/fake-upstream.js';
import { tempDir } from '../../../support/harness.js';
import { startHeadless } from '../../../hardening/support/headless.js';

export interface ScaleResult {
  logs: GeneratedLogs;
  mb: number;
  generateMs: number;
  importMs: number;
  mbPerSec: number;
  /** CPU seconds Tollgate spent meanwhile (import and proxied calls): the rate a busy shared machine cannot skew. */
  cpuSec: number;
  /** Of which Tollgate's main thread, the event loop proxied calls wait for (the rest: worker threads). */
  mainCpuSec: number;
  mbPerCpuSec: number;
  /** Resident set of the Tollgate process: before the import, and the peak while importing (sampled every 50 ms). */
  rssBeforeMb: number;
  rssPeakMb: number;
  recorded: number;
  idle: { calls: number; p50: number; p99: number };
  during: { calls: number; p50: number; p99: number };
}

/** Proxied calls, idle and during the import, 20 a second. */
const CALL_GAP_MS = 50;

const rssMb = (pid: number): number | null => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
};

/** CPU seconds the process has used (user + system), from /proc/<pid>/stat; Linux's USER_HZ is 100. */
const cpuSeconds = (pid: number, thread?: number): number => {
  const f = fs.readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/** Linux only: RSS and CPU time come from /proc. */
export const canMeasureRss = () => fs.existsSync('/proc/self/status');

/** `idleCalls`: best as many as the import will take, so both p99s are read at the same rank. */
export async function runImportScale(bytes: number, idleCalls = 200): Promise<ScaleResult> {
  const fake = await startFakeUpstream();
  const root = tempDir('tollgate-import-scale-');
  const claudeHome = path.join(root, 'claude');
  const staging = path.join(root, 'staging');
  const home = path.join(root, 'home');
  fs.mkdirSync(claudeHome, { recursive: true });
  fs.mkdirSync(home);
  const t0 = Date.now();
  const logs = generateClaudeLogs(staging, { bytes, now: Date.now() });
  // On disk before anything is timed: a month of logs was written over a month, not in the seconds before the
  // import, and a gigabyte still being written back would slow every write Tollgate makes (its store, its history).
  execFileSync('sync');
  const generateMs = Date.now() - t0;
  const tg = await startHeadless({
    dataDir: path.join(root, 'data'),
    upstream: fake.url,
    env: { TOLLGATE_IMPORT_CODING_LOGS: '1', CLAUDE_CONFIG_DIR: claudeHome, CODEX_HOME: path.join(root, 'codex'), HOME: home, TOLLGATE_NOTIFY: '0' },
    timeoutMs: 60_000,
    // For profiling a run, e.g. TOLLGATE_SCALE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
    nodeArgs: process.env.TOLLGATE_SCALE_NODE_ARGS?.split(' ').filter(Boolean),
  });
  try {
    const call = async () => {
      const t = performance.now();
      const res = await fetch(`${tg.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-scale-000000000000', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`proxied call answered ${res.status}`);
      return performance.now() - t;
    };
    for (let i = 0; i < 20; i++) await call(); // warm-up: connections, JIT
    const idle: number[] = [];
    for (let i = 0; i < idleCalls; i++) {
      idle.push(await call());
      await new Promise((r) => setTimeout(r, CALL_GAP_MS));
    }
    const rssBeforeMb = rssMb(tg.pid) ?? NaN;

    let peak = rssBeforeMb;
    const sampler = setInterval(() => {
      const r = rssMb(tg.pid);
      if (r !== null && r > peak) peak = r;
    }, 50);
    const during: number[] = [];
    let importing = true;
    const started = Date.now();
    const cpu0 = cpuSeconds(tg.pid);
    // The main thread's task id is the process id.
    const mainCpu0 = cpuSeconds(tg.pid, tg.pid);
    fs.renameSync(path.join(staging, 'projects'), path.join(claudeHome, 'projects'));
    // The import runs on its own (the poll finds the folder); it is done when every call is recorded. (One
    // importNow call would answer then too, but a long import outlasts an HTTP client's header timeout.)
    const countLogged = async () => {
      const spend = await tg.admin<{ rows: { keyId?: string; requests: number }[] }>('spend.query', { groupBy: ['keyId'] });
      return spend.body.data!.rows.find((r) => r.keyId === 'logs:claude-code')?.requests ?? 0;
    };
    const done = (async () => {
      const deadline = Date.now() + 30 * 60_000;
      while ((await countLogged()) < logs.calls && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      importing = false;
      return Date.now() - started;
    })();
    // Paced, as a coding agent's calls are: back-to-back calls would measure the proxy's own CPU, not the import's.
    while (importing) {
      during.push(await call());
      await new Promise((r) => setTimeout(r, CALL_GAP_MS));
    }
    const importMs = await done;
    const cpuSec = cpuSeconds(tg.pid) - cpu0;
    const mainCpuSec = cpuSeconds(tg.pid, tg.pid) - mainCpu0;
    clearInterval(sampler);
    // Anything counted twice would show up once the import has settled.
    const again = await tg.admin<{ recorded: number }>('codingLogs.importNow');
    if (!again.body.ok) throw new Error(JSON.stringify(again.body));
    const recorded = await countLogged();
    const mb = logs.bytes / 1024 / 1024;
    return {
      logs,
      mb,
      generateMs,
      importMs,
      mbPerSec: mb / (importMs / 1000),
      cpuSec,
      mainCpuSec,
      mbPerCpuSec: mb / cpuSec,
      rssBeforeMb,
      rssPeakMb: peak,
      recorded,
      idle: { calls: idle.length, p50: pct(idle, 50), p99: pct(idle, 99) },
      during: { calls: during.length, p50: pct(during, 50), p99: pct(during, 99) },
    };
  } finally {
    await tg.kill();
    await fake.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export const describeScale = (r: ScaleResult) =>
  `${r.mb.toFixed(0)} MB, ${r.logs.lines.toLocaleString('en-US')} lines, ${r.recorded.toLocaleString('en-US')} calls recorded in ${(r.importMs / 1000).toFixed(1)} s ` +
  `(${r.mbPerSec.toFixed(1)} MB/s; ${r.cpuSec.toFixed(1)} CPU s, ${r.mainCpuSec.toFixed(1)} on the main thread, ${r.mbPerCpuSec.toFixed(1)} MB per CPU s); RSS ${r.rssBeforeMb.toFixed(0)} → peak ${r.rssPeakMb.toFixed(0)} MB; proxied p99 idle ${r.idle.p99.toFixed(1)} ms, ` +
  `during import p50 ${r.during.p50.toFixed(1)} p99 ${r.during.p99.toFixed(1)} ms (idle p50 ${r.idle.p50.toFixed(1)}) (${r.during.calls} calls)`;
