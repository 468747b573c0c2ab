/**
 * The real Claude Code CLI (2.1.197, from npm) in print mode through Tollgate, against the fake Anthropic upstream.
 * Claude Code asks Opus for 64,000 output tokens per call and streams; Tollgate prices claude-opus-4-8 at $5 input
 * and $25 output per million tokens (the public price list, which Claude Code's own total_cost_usd agrees with).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Budget, BudgetStatus } from '../../src/main/contract/budgets.js';
import type { RequestRecord } from '../../src/main/contract/usage.js';
import { claudeEnv, findCli, isolatedHome, runCli, type CliRun } from '../support/coding-clis.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTollgate, type Tollgate } from '../support/harness.js';
import { records, waitFor } from '../support/wait.js';

const claude = findCli('claude', /^2\.1\.197 /);
const OPUS = { input: 5e-6, output: 25e-6 };
// claude-sonnet-5 as the price database has it (genai-prices 0.1.8).
const SONNET = { input: 2e-6, output: 10e-6 };
/** What the fake upstream reports for each call: a short agent step. */
const USAGE = { input_tokens: 1000, output_tokens: 200 };
const COST = USAGE.input_tokens * OPUS.input + USAGE.output_tokens * OPUS.output;

let fake: FakeUpstream;
let tg: Tollgate;

beforeAll(async () => {
  if (claude.skip) return;
  fake = await startFakeUpstream();
  tg = await startTollgate({ upstream: fake.url });
});
afterAll(async () => {
  await tg?.stop();
  await fake?.close();
});
beforeEach(async () => {
  if (claude.skip) return;
  fake.received.length = 0;
  fake.setDefault({ usage: USAGE });
  for (const s of (await tg.admin<BudgetStatus[]>('budgets.list')).body.data!) await tg.admin('budgets.delete', { id: s.budget.id });
  await tg.admin('settings.update', { paused: false });
});

async function budget(input: object): Promise<Budget> {
  const r = await tg.admin<Budget>('budgets.create', input);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data!;
}

/** `claude -p` with JSON output, in a fresh HOME. */
function ask(prompt: string, headers: Record<string, string> = {}, model = 'opus'): Promise<CliRun> {
  const { home, cwd } = isolatedHome();
  const custom = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n');
  const env = claudeEnv(home, tg.url, custom ? { ANTHROPIC_CUSTOM_HEADERS: custom } : {});
  return runCli(claude.bin, ['-p', prompt, '--model', model, '--output-format', 'json'], { env, cwd });
}

function result(run: CliRun): { is_error: boolean; result: string; api_error_status: number | null } {
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  expect(line.startsWith('{'), `stdout: ${run.stdout}\nstderr: ${run.stderr}`).toBe(true);
  return JSON.parse(line) as never;
}

const messages = () => fake.received.filter((r) => r.path === '/v1/messages');
const since = async (n: number, expected: number): Promise<RequestRecord[]> => (await records(tg.core, n + expected)).slice(n);
const count = async () => (await records(tg.core, 0)).length;

/** Spends exactly $0.0035 through the proxy: 500 input and 600 output tokens of claude-haiku-4-5. */
async function spendSome() {
  const res = await fetch(`${tg.url}/anthropic/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-other', 'x-fake': JSON.stringify({ usage: { input_tokens: 500, output_tokens: 600 } }) },
    body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

describe.skipIf(claude.skip !== null)(`Claude Code through Tollgate${claude.skip ? ` (skipped: ${claude.skip})` : ''}`, () => {
  it('answers, and the record holds the tokens the upstream reported', async () => {
    const n = await count();
    const run = await ask('say hi');
    expect(result(run)).toMatchObject({ is_error: false, result: 'Hello from the fake upstream!' });
    expect(messages()).toHaveLength(1);
    const body = messages()[0]!.body as { model: string; max_tokens: number; stream: boolean };
    expect(body).toMatchObject({ max_tokens: 64_000, stream: true });
    expect(body.model).toMatch(/^claude-opus-/);
    const [r] = await since(n, 1);
    expect(r!.status).toBe(200);
    expect(r!.usage).toMatchObject({ inputTokens: 1000, outputTokens: 200 });
    expect(r!.costUsd).toBeCloseTo(COST, 12);
    console.info(`[claude-code] plain run: ${Math.round(run.wallMs)} ms`);
  });

  it('a $1/day budget with $0.0035 spent clamps the 64k Opus call instead of blocking it; the run completes', async () => {
    await budget({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 1, hardStopPercent: 100 });
    await spendSome();
    const n = await count();
    const run = await ask('refactor the parser');
    expect(result(run)).toMatchObject({ is_error: false, result: 'Hello from the fake upstream!' });
    const sent = (messages().at(-1)!.body as { max_tokens: number }).max_tokens;
    // What $0.9965 affords at $25 per million output tokens after the input's worst case (Claude Code's first
    // request is about 78 KB of system prompt and tools, some 21,000 tokens priced as cache writes: about $0.21).
    expect(sent).toBeLessThan(64_000);
    expect(sent).toBeGreaterThanOrEqual(1024);
    expect(sent * OPUS.output).toBeLessThanOrEqual(0.9965);
    expect(sent * OPUS.output).toBeGreaterThan(0.9965 - 0.3);
    // Tollgate's own numbers: the prompt counted by the tokenizer (loaded at start), not bounded by its bytes.
    expect(sent).toBeGreaterThan(25_000);
    const [r] = await since(n, 1);
    expect(r!.flags).toContain('clamped');
    expect(r!.note).toBe(`max output tokens clamped from 64000 to ${sent}`);
    expect(r!.costUsd).toBeCloseTo(COST, 12);
    console.info(`[claude-code] clamped run: max_tokens 64000 → ${sent}, ${Math.round(run.wallMs)} ms`);
  });

  it('a per-run budget of $0.15 lets a fresh Sonnet run’s first call through, clamped', async () => {
    await budget({ name: 'per run', scope: { run: '*' }, period: { kind: 'total' }, limitUsd: 0.15, hardStopPercent: 100 });
    const n = await count();
    const run = await ask('start the task', { 'x-tollgate-run': 'run-fresh' }, 'sonnet');
    expect(result(run)).toMatchObject({ is_error: false, result: 'Hello from the fake upstream!' });
    const body = messages().at(-1)!.body as { max_tokens: number; model: string };
    expect(body.model).toMatch(/^claude-sonnet-/);
    expect(body.max_tokens).toBeGreaterThanOrEqual(1024);
    expect(body.max_tokens * SONNET.output).toBeLessThanOrEqual(0.15);
    const [r] = await since(n, 1);
    expect(r).toMatchObject({ run: 'run-fresh', status: 200 });
    expect(r!.flags).toContain('clamped');
    expect(r!.costUsd).toBeCloseTo(USAGE.input_tokens * SONNET.input + USAGE.output_tokens * SONNET.output, 12);
    // Claude Code's own figure for the same call is at $3/$15 per MTok: its price table lags the list, which is why
    // its exported cost_usd is not taken as it comes (telemetry/intake.ts).
    expect((result(run) as unknown as { total_cost_usd: number }).total_cost_usd).toBeCloseTo(USAGE.input_tokens * 3e-6 + USAGE.output_tokens * 15e-6, 12);
    console.info(`[claude-code] per-run $0.15, sonnet: max_tokens 64000 → ${body.max_tokens}, ${Math.round(run.wallMs)} ms`);
  });

  it('on Opus the same $0.15 cannot hold the first call’s input and the floor: one block that says so in numbers', async () => {
    // Claude Code's first request carries some 21,000 tokens of system prompt and tools; priced as 1-hour cache
    // writes (Opus: $10/M) they alone are about $0.21, more than the whole run's budget.
    await budget({ name: 'per run', scope: { run: '*' }, period: { kind: 'total' }, limitUsd: 0.15, hardStopPercent: 100 });
    const n = await count();
    const out = result(await ask('start the task', { 'x-tollgate-run': 'run-opus' }));
    expect(out).toMatchObject({ is_error: true, api_error_status: 402 });
    expect(out.result).toMatch(/has \$0\.15 left before its stop at \$0\.15; this request needs at least \$0\.\d\d \(its input and 1,024 output tokens\)/);
    expect(messages()).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 200));
    expect((await records(tg.core, n + 1)).slice(n).map((r) => r.flags.includes('blocked'))).toEqual([true]);
  });

  it('two parallel runs under a $2/day budget do not lock each other out', async () => {
    // Their worst cases (2 × 64,000 × $25/M = $3.20, plus input) would not fit together, so worst-case reservations
    // would block the second; streams hold what such calls usually produce, and the second at most gets clamped.
    const b = await budget({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 2, hardStopPercent: 100 });
    fake.setDefault({ usage: USAGE, delayMs: 1500 });
    const n = await count();
    const runs = [ask('subagent one', { 'x-tollgate-run': 'a' }), ask('subagent two', { 'x-tollgate-run': 'b' })];
    // Both calls are at the upstream at once, and both are held in the budget.
    await waitFor(() => messages().length === 2, 30_000, 'both calls at the upstream');
    const held = (await tg.admin<BudgetStatus[]>('budgets.list')).body.data!.find((s) => s.budget.id === b.id)!.reservedUsd;
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(2);
    for (const run of await Promise.all(runs)) expect(result(run)).toMatchObject({ is_error: false, result: 'Hello from the fake upstream!' });
    const caps = messages().map((m) => (m.body as { max_tokens: number }).max_tokens);
    expect(caps).toContain(64_000);
    expect(Math.min(...caps)).toBeGreaterThan(32_000);
    const recs = await since(n, 2);
    expect(recs.map((r) => r.flags.includes('blocked'))).toEqual([false, false]);
    console.info(`[claude-code] two parallel runs: held $${held.toFixed(3)} while both in flight, max_tokens ${caps.join(' and ')}`);
    expect(recs.reduce((s, r) => s + (r.costUsd ?? 0), 0)).toBeCloseTo(2 * COST, 12);
  });

  it('a spent budget: Claude Code shows Tollgate’s message and stops; one blocked record, nothing upstream', async () => {
    await budget({ name: 'spent', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 0.000001, hardStopPercent: 100 });
    const n = await count();
    const run = await ask('say hi');
    const out = result(run);
    expect(out.is_error).toBe(true);
    expect(out.result).toMatch(/budget "spent"/);
    expect(messages()).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 200));
    const recs = (await records(tg.core, n + 1)).slice(n);
    expect(recs).toHaveLength(1);
    expect(recs[0]!.flags).toContain('blocked');
    console.info(`[claude-code] blocked run: ${recs.length} record, ${Math.round(run.wallMs)} ms, shows: ${out.result.slice(0, 120)}`);
  });

  it('with the pause on, Claude Code gets a block it stops on: no retry storm, nothing reaches the upstream', async () => {
    await tg.admin('settings.update', { paused: true });
    const n = await count();
    const run = await ask('say hi');
    const out = result(run);
    expect(out.is_error).toBe(true);
    expect(out.result).toMatch(/pause/i);
    // Neither the call nor Claude Code's HEAD preconnect reached the provider.
    expect(fake.received).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 200));
    const blocked = (await records(tg.core, n)).slice(n).filter((r) => r.flags.includes('blocked'));
    expect(blocked.length).toBeGreaterThanOrEqual(1);
    expect(blocked.length).toBeLessThanOrEqual(2);
    console.info(`[claude-code] paused run: ${blocked.length} blocked record(s), ${Math.round(run.wallMs)} ms`);
  });
});
