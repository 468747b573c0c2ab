import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Budget, BudgetAlert, BudgetStatus } from '../../../../src/main/contract/budgets.js';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, type Tollgate } from '../../../support/harness.js';
import { records } from '../../../support/wait.js';

// Budgets that coding agents can live with: Claude Code asks Opus for 64,000 output tokens per call and runs
// subagents in parallel. claude-opus-4-1 per million tokens: $15 input, $30 as 1-hour cache writes (the worst
// case admission prices input at), $75 output. claude-haiku-4-5: $1 input, $2 1-hour writes, $5 output.

let fake: FakeUpstream;
let tg: Tollgate;
const alerts: BudgetAlert[] = [];

beforeAll(async () => {
  fake = await startFakeUpstream();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  tg = await startTollgate({ upstream: fake.url });
  alerts.length = 0;
  tg.core.events.on('budget.alert', (a) => alerts.push(a));
});
afterEach(async () => {
  await tg.stop();
});

async function budget(input: object): Promise<Budget> {
  const r = await tg.admin<Budget>('budgets.create', input);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data!;
}

async function status(id: string): Promise<BudgetStatus> {
  return (await tg.admin<BudgetStatus[]>('budgets.list')).body.data!.find((s) => s.budget.id === id)!;
}

const client = (headers: Record<string, string> = {}) => new Anthropic({ baseURL: `${tg.url}/anthropic`, apiKey: 'sk-ant-agent', maxRetries: 0, defaultHeaders: headers });

function post(body: object, headers: Record<string, string> = {}) {
  return fetch(`${tg.url}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-agent', ...headers }, body: JSON.stringify(body) });
}

/** What a short agent call really costs: 50 input and 200 output tokens. */
const SMALL = { input_tokens: 50, output_tokens: 200 };

/** Spends exactly $0.0035 through the proxy: 500 input and 600 output tokens of claude-haiku-4-5. */
async function spendSome() {
  const res = await post({ model: 'claude-haiku-4-5', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] }, { 'x-fake': JSON.stringify({ usage: { input_tokens: 500, output_tokens: 600 } }) });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

describe('clamp before block, through the proxy with the official SDK', () => {
  it('a 64k Opus stream under a $1/day budget with $0.0035 spent is forwarded with a lower max_tokens and answered', async () => {
    const b = await budget({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 1, hardStopPercent: 100 });
    await spendSome();
    expect((await status(b.id)).spentUsd).toBeCloseTo(0.0035, 12);
    const before = (await records(tg.core, 0)).length;
    const stream = client().messages.stream({ model: 'claude-opus-4-1', max_tokens: 64_000, messages: [{ role: 'user', content: 'refactor the parser' }] });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Hello from the fake upstream!' });
    const sent = (fake.received.at(-1)!.body as { max_tokens: number }).max_tokens;
    // Lowered to what the $0.9965 left affords after the input, and no lower than the floor.
    expect(sent).toBeLessThan(64_000);
    expect(sent).toBeGreaterThanOrEqual(1024);
    expect(sent * 75e-6).toBeLessThanOrEqual(0.9965);
    expect(sent * 75e-6).toBeGreaterThan(0.9965 - 0.05);
    const r = (await records(tg.core, before + 1)).at(-1)!;
    expect(r.flags).toContain('clamped');
    expect(r.note).toBe(`max output tokens clamped from 64000 to ${sent}`);
    // Its first clamp fired the budget's hard-stop alert.
    expect(alerts.filter((a) => a.budgetId === b.id && a.kind === 'hard-stop')).toHaveLength(1);
  });

  it('a per-run budget of $0.15 lets a fresh Claude Code run’s first call through', async () => {
    await budget({ name: 'per run', scope: { run: '*' }, period: { kind: 'total' }, limitUsd: 0.15, hardStopPercent: 100 });
    const stream = client({ 'x-tollgate-run': 'run-1', 'x-fake': JSON.stringify({ usage: SMALL }) }).messages.stream({ model: 'claude-opus-4-1', max_tokens: 64_000, messages: [{ role: 'user', content: 'start' }] });
    expect((await stream.finalMessage()).content[0]).toMatchObject({ type: 'text' });
    const sent = (fake.received.at(-1)!.body as { max_tokens: number }).max_tokens;
    expect(sent).toBeGreaterThanOrEqual(1024);
    expect(sent).toBeLessThanOrEqual(0.15 / 75e-6);
  });

  it('parallel 64k Opus subagents do not lock each other out: streams hold what such calls usually produce', async () => {
    const b = await budget({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 5, hardStopPercent: 100 });
    const n = fake.received.length;
    const runs = Array.from({ length: 8 }, () =>
      client({ 'x-fake': JSON.stringify({ delayMs: 2000, usage: SMALL }) })
        .messages.stream({ model: 'claude-opus-4-1', max_tokens: 64_000, messages: [{ role: 'user', content: 'subagent' }] })
        .finalMessage(),
    );
    // All eight reached the upstream, which holds their answers back for a while.
    for (let i = 0; i < 100 && fake.received.length < n + 8; i++) await new Promise((r) => setTimeout(r, 10));
    expect(fake.received.length).toBe(n + 8);
    // Eight in flight hold about 8 × 4,096 × $75/M ≈ $2.46, where their worst cases would be $38.40.
    const held = (await status(b.id)).reservedUsd;
    expect(held).toBeGreaterThan(8 * 4096 * 75e-6);
    expect(held).toBeLessThan(2.6);
    expect((await Promise.all(runs)).every((m) => m.content.length === 1)).toBe(true);
  });

  it('extended thinking stays valid: the thinking budget is lowered under the clamped max_tokens', async () => {
    await budget({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 1, hardStopPercent: 100 });
    const res = await post({ model: 'claude-opus-4-1', max_tokens: 64_000, thinking: { type: 'enabled', budget_tokens: 32_000 }, messages: [{ role: 'user', content: 'think' }] });
    expect(res.status).toBe(200);
    const sent = fake.received.at(-1)!.body as { max_tokens: number; thinking: { type: string; budget_tokens: number } };
    expect(res.headers.get('x-tollgate-clamped-max-tokens')).toBe(String(sent.max_tokens));
    expect(res.headers.get('x-tollgate-clamped-from')).toBe('64000');
    expect(sent.thinking).toEqual({ type: 'enabled', budget_tokens: Math.floor(sent.max_tokens / 2) });
    expect(sent.thinking.budget_tokens).toBeGreaterThanOrEqual(1024);
  });

  it('a thinking call is blocked when the room cannot hold its least thinking budget; a plain one is clamped', async () => {
    await tg.admin('settings.update', { clampFloorOutputTokens: 100 });
    const b = await budget({ name: 'tight', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 0.05, hardStopPercent: 100 });
    await spendSome();
    const n = fake.received.length;
    const thinking = await post({ model: 'claude-opus-4-1', max_tokens: 64_000, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [] });
    expect(thinking.status).toBe(402);
    const msg = ((await thinking.json()) as { error: { message: string } }).error.message;
    expect(msg).toMatch(/budget "tight" \(anthropic\) has \$0\.04[67] left before its stop at \$0\.050; this request needs at least \$0\.0[78]\d \(its input and 1,025 output tokens\)/);
    expect(fake.received.length).toBe(n);
    const plain = await post({ model: 'claude-opus-4-1', max_tokens: 64_000, messages: [] });
    expect(plain.status).toBe(200);
    expect(Number(plain.headers.get('x-tollgate-clamped-max-tokens'))).toBeLessThan(1025);
    // The thinking call could not fit even alone: the budget is stopped, and says so.
    expect((await status(b.id)).state).toBe('stopped');
  });
});

describe('streams overshoot the stop by at most a chunk each', () => {
  it('50 concurrent streams of mixed lengths against a budget that affords about half of them', async () => {
    // Each stream: 100 input tokens, then n output tokens in chunks of 40 (160 characters, 4 per token), n from
    // 1,000 to 8,960. Every call asks for 32,000, so before there is history each holds 4,096 output tokens.
    const CHUNK = 40;
    const lengths = Array.from({ length: 50 }, (_, i) => CHUNK * (25 + ((i * 37) % 200)));
    const cost = (out: number) => (100 * 1 + out * 5) / 1e6;
    const limit = lengths.reduce((s, n) => s + cost(n), 0) / 2;
    const b = await budget({ name: 'swarm', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: limit, hardStopPercent: 100 });
    const results = await Promise.all(
      lengths.map(async (n) => {
        const fakeScenario = { text: 'abcd', repeat: n, chunks: n / CHUNK, chunkDelayMs: 1, usage: { input_tokens: 100, output_tokens: n } };
        const res = await post({ model: 'claude-haiku-4-5', max_tokens: 32_000, stream: true, messages: [{ role: 'user', content: 'go' }] }, { 'x-fake': JSON.stringify(fakeScenario) });
        const text = await res.text();
        let chars = 0;
        for (const m of text.matchAll(/"type":"text_delta","text":"([a-d]*)"/g)) chars += m[1]!.length;
        return { status: res.status, chars, cut: text.includes('Tollgate ended this stream'), text };
      }),
    );
    expect(results.every((r) => r.status === 200 || r.status === 402)).toBe(true);
    const served = results.filter((r) => r.status === 200);
    // Ground truth: what reached the client through the proxy, as the upstream sent it.
    const truth = served.reduce((s, r) => s + cost(r.chars / 4), 0);
    const chunkUsd = cost(CHUNK) - cost(0);
    expect(truth).toBeLessThanOrEqual(limit + served.length * chunkUsd + 1e-12);
    expect(truth).toBeGreaterThanOrEqual(0.95 * limit);
    expect(served.some((r) => r.cut)).toBe(true);
    // Every refusal was for want of room for input and the floor, with the numbers to show it.
    for (const r of results.filter((x) => x.status === 402)) {
      if (/is at its hard stop/.test(r.text)) continue;
      const m = /has \$([\d.e-]+) left before its stop at \$[\d.]+ \(\$[\d.e-]+ of it held by requests in flight\); this request needs at least \$([\d.e-]+) \(its input and 1,024 output tokens\)/.exec(r.text);
      expect(m, r.text).not.toBeNull();
      expect(Number(m![1])).toBeLessThanOrEqual(Number(m![2]));
    }
    // Tollgate's own books agree with the ground truth, and nothing stays reserved.
    await records(tg.core, 0);
    await new Promise((r) => setTimeout(r, 50));
    const s = await status(b.id);
    expect(s.reservedUsd).toBeCloseTo(0, 12);
    expect(Math.abs(s.spentUsd - truth)).toBeLessThanOrEqual(served.length * chunkUsd);
  });
});
