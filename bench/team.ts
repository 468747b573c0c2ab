/**
 * Team mode's figures: admission through Redis on loopback next to local admission (in-process, p50 and p99),
 * and proxy throughput with a shared budget applying, as a ratio of the bare pipe. Part of `npm run bench`;
 * `tsx bench/team.ts` runs it alone (then against the sources when there is no build). Needs redis-server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { RequestRecord } from '../src/main/contract/usage.js';
import { createBudgetEngine } from '../src/main/core/budgets/engine.js';
import { createPriceDatabase } from '../src/main/core/pricing/price-database.js';
import { createPricer } from '../src/main/core/pricing/pricer.js';
import type { AdmissionDecision, AdmissionInput } from '../src/main/core/proxy/admission.js';
import { defaultSettings } from '../src/main/core/settings/settings.js';
import { connectTeam } from '../src/main/core/team/connect.js';
import { createReplay } from '../src/main/core/team/replay.js';
import { createSharedAdmission } from '../src/main/core/team/shared-admission.js';
import { createSharedCounters } from '../src/main/core/team/shared-counters.js';
import { systemClock } from '../src/main/core/util/clock.js';
import { createSilentLogger } from '../src/main/core/util/log.js';
import { freePort, redisMissing } from '../test/support/redis-server.js';
import { median, percentile, run } from './load.js';
import { hasWrk, wrk } from './wrk.js';

type Row = (string | number)[];

const input = (i: number): AdmissionInput => ({
  requestId: `r${i}`,
  ts: Date.now(),
  provider: 'openai',
  pricing: { routeId: 'openai', pricingProviderId: 'openai', free: false },
  operation: 'chat.completions',
  model: 'gpt-4o-mini',
  keyId: 'fp_x',
  project: null,
  user: null,
  run: null,
  call: { model: 'gpt-4o-mini', stream: false, maxOutputTokens: 500, promptText: () => 'hello' },
  bodyBytes: 120,
});
const record = (i: number) =>
  ({ id: `r${i}`, usage: { inputTokens: 20, outputTokens: 10, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 }, costUsd: 0.00001, flags: [], run: null }) as unknown as RequestRecord;

/** Starts redis-server on a free loopback port; the caller kills it. */
export async function startBenchRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) resolve();
    });
  });
  return { url: `redis://127.0.0.1:${port}`, child };
}

/** µs per admission: p50 and p99 of `n` sequential admit + settle, local engine and team mode side by side. */
export async function benchTeamAdmission(redisUrl: string, n = 5000): Promise<Row[]> {
  const settings = defaultSettings();
  const pricer = createPricer({ db: createPriceDatabase(), overrides: () => [] });
  const mk = () => {
    const engine = createBudgetEngine({ clock: systemClock, settings: () => settings, pricer, tokenizer: { count: () => null, ready: async () => {} }, keyLabel: (id) => id, onChange: () => {}, onAlert: () => {} });
    engine.create({ name: 'shared', period: { kind: 'month' }, limitUsd: 1e6, hardStopPercent: 100 });
    return engine;
  };
  const log = createSilentLogger();
  const link = connectTeam(redisUrl, { log, now: () => Date.now() });
  await new Promise<void>((r) => (link.state === 'up' ? r() : link.onChange((s) => s === 'up' && r())));
  const counters = createSharedCounters(link.redis, { prefix: `bench:${Date.now()}:`, leaseMs: 30_000 });
  const replay = createReplay({ counters, state: () => link.state, onSpent: () => {}, onError: () => {} });
  const local = mk();
  const teamEngine = mk();
  const team = createSharedAdmission({ engine: teamEngine, counters, link, replay, failMode: () => 'closed', enforced: () => true, onError: () => {}, now: () => Date.now() });

  const measure = async (admit: (i: number) => AdmissionDecision | Promise<AdmissionDecision>) => {
    const us: number[] = [];
    for (let i = 0; i < n + 500; i++) {
      const t0 = performance.now();
      const d = await admit(i);
      const t = (performance.now() - t0) * 1000;
      if (!d.ok) throw new Error(`refused: ${d.message}`);
      d.ticket.settle(record(i));
      if (i >= 500) us.push(t); // the first 500 warm up
    }
    return us;
  };
  const l = await measure((i) => local.admit(input(i)));
  const t = await measure((i) => team.admit(input(1e9 + i)));
  await replay.idle();
  await link.close();
  return [
    ['admission', 'p50 µs', 'p99 µs'],
    ['local (one budget)', median(l).toFixed(1), percentile(l, 99).toFixed(1)],
    ['team mode, one shared budget (Redis on loopback)', median(t).toFixed(1), percentile(t, 99).toFixed(1)],
  ];
}

/** Requests per second at concurrency 16: the bare pipe, Tollgate with one local budget, and with one shared. */
const roundSeconds = (total: number) => Math.max(1, Math.round(total / 3));

export async function benchTeamThroughput(start: (kind: string, ...args: string[]) => Promise<string>, upstream: string, pipe: string, redisUrl: string, seconds: number): Promise<Row[]> {
  const [local, team] = await Promise.all([start('tollgate', upstream, '1'), start('tollgate', upstream, '1', redisUrl)]);
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello in one short sentence.' }] });
  const headers = { authorization: 'Bearer sk-bench-000000000000' };
  const targets: [string, string][] = [
    ['bare Node pipe', `${pipe}/v1/chat/completions`],
    ['Tollgate, one local budget', `${local}/openai/v1/chat/completions`],
    ['Tollgate, team mode, one shared budget', `${team}/openai/v1/chat/completions`],
  ];
  const cells: Record<string, { requests: number; seconds: number; p99: number[]; errors: number }> = {};
  // wrk takes whole seconds: a duration like "3.33s" makes it print nothing and exit.
  const each = roundSeconds(seconds);
  for (const [, url] of targets) await run(url, body, headers, 4, 1);
  for (let round = 0; round < 3; round++) {
    for (const [name, url] of targets) {
      const c = (cells[name] ??= { requests: 0, seconds: 0, p99: [], errors: 0 });
      const r = hasWrk() ? wrk(url, body, headers, 16, each) : null;
      const n = r ? null : await run(url, body, headers, 16, each);
      c.requests += r ? r.requests : n!.requests;
      c.seconds += r ? each : n!.seconds;
      c.p99.push(r ? r.p99Ms : percentile(n!.latenciesMs, 99));
      c.errors += r ? r.errors : n!.errors;
    }
  }
  const rps = (name: string) => cells[name]!.requests / cells[name]!.seconds;
  const pipeRps = rps('bare Node pipe');
  const rows: Row[] = [['path (c=16)', 'req/s', 'req/s vs pipe', 'p99 ms', 'errors']];
  for (const [name] of targets) rows.push([name, rps(name).toFixed(0), name === 'bare Node pipe' ? '-' : `${(rps(name) / pipeRps).toFixed(2)}x`, median(cells[name]!.p99).toFixed(3), cells[name]!.errors]);
  return rows;
}

const table = (rows: Row[]) => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]!) : String(v).padStart(widths[c]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
};

/** The team tables, printed; `start` launches bench/servers.ts kinds (run.ts passes its own). */
export async function printTeamBench(start: (kind: string, ...args: string[]) => Promise<string>, upstream: string, pipe: string, seconds: number): Promise<void> {
  const missing = redisMissing();
  if (missing) {
    console.log(`\nTeam mode: skipped (${missing})`);
    return;
  }
  const redis = await startBenchRedis();
  try {
    console.log('\nTeam mode: admission, in-process, admit + settle of one request, 5,000 requests\n');
    table(await benchTeamAdmission(redis.url));
    console.log(`\nTeam mode: non-streamed chat completion throughput, ${hasWrk() ? 'wrk' : 'a Node client'}, 3 rounds of ${roundSeconds(seconds)} s, round-robin\n`);
    table(await benchTeamThroughput(start, upstream, pipe, redis.url, seconds));
  } finally {
    redis.child.kill();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const children: ChildProcess[] = [];
  const start = (kind: string, ...args: string[]) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/servers.ts', kind, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    return new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}`)));
    });
  };
  void (async () => {
    try {
      const upstream = await start('upstream');
      const pipe = await start('pipe', upstream);
      await printTeamBench(start, upstream, pipe, Number(process.env.BENCH_SECONDS ?? 6));
    } finally {
      for (const c of children) c.kill();
    }
  })();
}
