/**
 * The real Codex CLI (0.171, from npm) through Tollgate, against the fake OpenAI upstream, which answers both of
 * Codex's Responses transports on one port: the WebSocket it tries first with the README's one-line setting, and
 * HTTP+SSE. gpt-5 is priced at $1.25 input, $0.125 cached input and $10 output per million tokens.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Budget, BudgetStatus } from '../../src/main/contract/budgets.js';
import type { RequestRecord } from '../../src/main/contract/usage.js';
import { CODEX_ARGS, codexEnv, findCli, isolatedHome, runCli, type CliRun } from '../support/coding-clis.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startFakeWsUpstream, type FakeWsUpstream } from '../support/fake-ws-upstream.js';
import { startTollgate, type Tollgate } from '../support/harness.js';
import { records } from '../support/wait.js';

const codex = findCli('codex', /codex-cli 0\.171\./);
/** What the fake upstream reports for each answer, on either transport. */
const USAGE = { input_tokens: 2000, input_tokens_details: { cached_tokens: 1500 }, output_tokens: 300, output_tokens_details: { reasoning_tokens: 100 }, total_tokens: 2300 };
const COST = (500 * 1.25 + 1500 * 0.125 + 300 * 10) / 1e6;

let fake: FakeUpstream;
let ws: FakeWsUpstream;
let tg: Tollgate;

beforeAll(async () => {
  if (codex.skip) return;
  fake = await startFakeUpstream();
  ws = await startFakeWsUpstream(fake.server);
  tg = await startTollgate({ upstream: fake.url });
});
afterAll(async () => {
  await tg?.stop();
  await ws?.close();
  await fake?.close();
});
beforeEach(async () => {
  if (codex.skip) return;
  fake.received.length = 0;
  ws.upgrades.length = 0;
  ws.frames.length = 0;
  fake.setDefault({ usage: USAGE });
  ws.setScenario({ usage: USAGE });
  for (const s of (await tg.admin<BudgetStatus[]>('budgets.list')).body.data!) await tg.admin('budgets.delete', { id: s.budget.id });
  await tg.admin('settings.update', { paused: false });
});

async function budget(input: object): Promise<Budget> {
  const r = await tg.admin<Budget>('budgets.create', input);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data!;
}

function exec(transport: 'websocket' | 'https', prompt = 'say hi'): Promise<CliRun> {
  const { home, cwd } = isolatedHome();
  return runCli(codex.bin, [...CODEX_ARGS, prompt], { env: codexEnv(home, tg.url, transport), cwd });
}

const count = async () => (await records(tg.core, 0)).length;
/** The records made since `n`, once `expected` have arrived and a moment has passed for any stragglers. */
async function since(n: number, expected: number): Promise<RequestRecord[]> {
  await records(tg.core, n + expected);
  await new Promise((r) => setTimeout(r, 300));
  return (await records(tg.core, 0)).slice(n);
}
const posts = () => fake.received.filter((r) => r.method === 'POST' && r.path === '/v1/responses');
const why = (run: CliRun) => `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr.slice(-2000)}`;

describe.skipIf(codex.skip !== null)(`Codex through Tollgate${codex.skip ? ` (skipped: ${codex.skip})` : ''}`, () => {
  it('with the README’s setting: WebSocket, no retries, no fallback, and both responses metered', async () => {
    const n = await count();
    const run = await exec('websocket');
    expect(run.code, why(run)).toBe(0);
    expect(run.stdout.trim()).toBe('Hello over the WebSocket!');
    expect(run.stderr).not.toMatch(/Reconnecting|Falling back/);
    // One upgrade for the prewarm and one for the turn, both on the first try; nothing went over HTTPS.
    expect(ws.upgrades.map((u) => u.path)).toEqual(['/v1/responses', '/v1/responses']);
    expect(posts()).toHaveLength(0);
    expect(ws.frames.map((f) => [f.type, f.generate ?? true])).toEqual([
      ['response.create', false],
      ['response.create', true],
    ]);
    const recs = await since(n, 2);
    expect(recs).toHaveLength(2);
    // The prewarm answers with no usage; the turn carries what the upstream reported.
    const turn = recs.find((r) => r.usage.outputTokens > 0)!;
    expect(turn.usage).toMatchObject({ inputTokens: 2000, cacheReadTokens: 1500, outputTokens: 300, reasoningTokens: 100 });
    expect(turn.costUsd).toBeCloseTo(COST, 12);
    expect(recs.reduce((s, r) => s + (r.costUsd ?? 0), 0)).toBeCloseTo(COST, 12);
    console.info(`[codex] WebSocket run: ${Math.round(run.wallMs)} ms, ${ws.upgrades.length} upgrades, ${recs.length} records`);
  });

  it('over HTTPS (supports_websockets = false): the answer, and one record with the upstream’s tokens', async () => {
    const n = await count();
    const run = await exec('https');
    expect(run.code, why(run)).toBe(0);
    expect(run.stdout.trim()).toBe('Hello from the fake upstream!');
    expect(ws.upgrades).toHaveLength(0);
    expect(posts()).toHaveLength(1);
    const recs = await since(n, 1);
    expect(recs).toHaveLength(1);
    expect(recs[0]!.usage).toMatchObject({ inputTokens: 2000, cacheReadTokens: 1500, outputTokens: 300, reasoningTokens: 100 });
    expect(recs[0]!.costUsd).toBeCloseTo(COST, 12);
    console.info(`[codex] HTTPS run: ${Math.round(run.wallMs)} ms`);
  });

  it('a nearly spent budget clamps instead of blocking, on both transports: Codex still gets its answer', async () => {
    // Codex sets no output limit: admission assumes 32,768 tokens ($0.33 of gpt-5 output), more than the $0.10
    // budget, so Tollgate sets max_output_tokens to what the room affords and forwards the call.
    await budget({ name: 'tight', scope: { provider: 'openai' }, period: { kind: 'day' }, limitUsd: 0.1, hardStopPercent: 100 });
    for (const transport of ['https', 'websocket'] as const) {
      ws.frames.length = 0;
      const n = await count();
      const run = await exec(transport);
      expect(run.code, why(run)).toBe(0);
      expect(run.stdout.trim()).toBe(transport === 'https' ? 'Hello from the fake upstream!' : 'Hello over the WebSocket!');
      const sent = transport === 'https' ? (posts().at(-1)!.body as Record<string, unknown>) : ws.frames.at(-1)!;
      const cap = sent.max_output_tokens as number;
      expect(cap).toBeGreaterThanOrEqual(1024);
      expect(cap * 10e-6).toBeLessThan(0.1);
      const recs = await since(n, transport === 'https' ? 1 : 2);
      const turn = recs.find((r) => r.usage.outputTokens > 0)!;
      expect(turn.flags).toContain('clamped');
      expect(turn.note).toBe(`max output tokens clamped from unset to ${cap}`);
      expect(turn.costUsd).toBeCloseTo(COST, 12);
      console.info(`[codex] clamped ${transport} run: max_output_tokens (none) → ${cap}, ${Math.round(run.wallMs)} ms`);
    }
  });

  it('a spent budget over HTTPS: Codex prints Tollgate’s message and stops; one blocked record, nothing upstream', async () => {
    await budget({ name: 'spent', scope: { provider: 'openai' }, period: { kind: 'day' }, limitUsd: 0.000001, hardStopPercent: 100 });
    const n = await count();
    const run = await exec('https');
    expect(run.code, why(run)).not.toBe(0);
    expect(run.stderr, why(run)).toMatch(/Tollgate blocked this request: budget \\?"spent\\?"/);
    expect(run.stderr).not.toMatch(/Reconnecting/);
    expect(posts()).toHaveLength(0);
    const recs = await since(n, 1);
    expect(recs.map((r) => [r.status, r.flags.includes('blocked')])).toEqual([[400, true]]);
    console.info(`[codex] blocked HTTPS run: ${recs.length} record, ${Math.round(run.wallMs)} ms`);
  });

  it('a spent budget over the WebSocket: the block is shown at once; no retries, nothing reaches the upstream model', async () => {
    await budget({ name: 'spent', scope: { provider: 'openai' }, period: { kind: 'day' }, limitUsd: 0.000001, hardStopPercent: 100 });
    const n = await count();
    const run = await exec('websocket');
    expect(run.code, why(run)).not.toBe(0);
    expect(run.stderr, why(run)).toMatch(/Tollgate blocked this request: budget \\?"spent\\?"/);
    expect(run.stderr).not.toMatch(/Reconnecting|Falling back/);
    expect(ws.frames).toHaveLength(0);
    expect(posts()).toHaveLength(0);
    const recs = await since(n, 1);
    const blocked = recs.filter((r) => r.flags.includes('blocked'));
    // One per attempt the user made, plus at most Codex's prewarm.
    expect(blocked.length).toBeGreaterThanOrEqual(1);
    expect(blocked.length).toBeLessThanOrEqual(2);
    expect(recs).toHaveLength(blocked.length);
    console.info(`[codex] blocked WebSocket run: ${blocked.length} blocked record(s), ${ws.upgrades.length} upstream upgrades, ${Math.round(run.wallMs)} ms`);
  });

  it('with the pause on, on either transport: Codex stops at once and nothing reaches the provider', async () => {
    await tg.admin('settings.update', { paused: true });
    for (const transport of ['websocket', 'https'] as const) {
      const n = await count();
      const run = await exec(transport);
      expect(run.code, why(run)).not.toBe(0);
      expect(run.stderr, why(run)).toMatch(/paused/i);
      expect(run.stderr).not.toMatch(/Reconnecting|Falling back/);
      // Over HTTPS the refused call is recorded as blocked; over the WebSocket the upgrade itself is refused, before
      // any call (and its model) is known, so nothing is recorded.
      const recs = await since(n, transport === 'https' ? 1 : 0);
      expect(recs.every((r) => r.flags.includes('blocked'))).toBe(true);
      expect(recs.length).toBe(transport === 'https' ? 1 : 0);
      const blocked = recs;
      console.info(`[codex] paused ${transport} run: ${blocked.length} blocked record(s), ${Math.round(run.wallMs)} ms`);
    }
    expect(ws.upgrades).toHaveLength(0);
    expect(fake.received).toHaveLength(0);
  });
});
