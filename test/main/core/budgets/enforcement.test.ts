import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Budget, BudgetAlert, BudgetStatus } from '../../../../src/main/contract/budgets.js';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, type Tollgate } from '../../../support/harness.js';
import { records } from '../../../support/wait.js';

let fake: FakeUpstream;
let tg: Tollgate;
const alerts: BudgetAlert[] = [];

beforeAll(async () => {
  fake = await startFakeUpstream();
});
afterAll(async () => {
  await fake.close();
});
// A fresh Tollgate per test: budgets start from the spend already recorded in their period, so tests must not share a ledger.
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

function post(path: string, body: object, headers: Record<string, string>) {
  return fetch(`${tg.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('budgets that hold', () => {
  it('200 concurrent requests against a budget that affords 50 at worst case: spend never passes the hard stop', async () => {
    // claude-haiku-4-5: $1 input ($2 as 1h cache writes, the worst case), $5 output. Each call asks for 1000
    // output tokens ($0.005) and sends a small body; reservations use the body size as the input bound.
    const body = { model: 'claude-haiku-4-5', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] };
    const bytes = Buffer.byteLength(JSON.stringify(body));
    const worst = (bytes * 2 + 1000 * 5) / 1e6;
    // Each call really costs 100 input + 1000 output tokens: $0.0051.
    const usage = { input_tokens: 100, output_tokens: 1000 };
    const limit = (worst * 50) / 1.2;
    const b = await budget({ name: 'tight', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: limit, hardStopPercent: 120 });
    const before = (await records(tg.core, 0)).length;
    const results = await Promise.all(
      Array.from({ length: 200 }, () => post('/anthropic/v1/messages', body, { 'x-api-key': 'sk-ant-concurrent', 'x-fake': JSON.stringify({ usage, delayMs: 30 }) })),
    );
    const statuses = results.map((r) => r.status);
    const served = statuses.filter((s) => s === 200).length;
    expect(served).toBeGreaterThanOrEqual(50);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 402)).toBe(true);
    const s = await status(b.id);
    expect(s.spentUsd).toBeLessThanOrEqual(limit * 1.2 + 1e-12);
    expect(s.reservedUsd).toBe(0);
    // The ledger holds every request that was served, and every block.
    const recs = (await records(tg.core, before + 200)).slice(before);
    expect(recs.filter((r) => r.status === 200)).toHaveLength(served);
    expect(recs.filter((r) => r.flags.includes('blocked'))).toHaveLength(200 - served);
    expect(s.spentUsd).toBeCloseTo(served * ((100 * 1 + 1000 * 5) / 1e6), 9);
  });

  it('a block is a 402 in the provider\'s shape naming the budget, spend, limit, reset and how to raise it; nothing goes upstream', async () => {
    const b = await budget({ name: 'Claude Code', scope: { provider: 'anthropic' }, period: { kind: 'month' }, limitUsd: 0.01, hardStopPercent: 100 });
    await post('/anthropic/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [] }, { 'x-api-key': 'sk-ant-block' });
    const n = fake.received.length;
    const res = await post('/anthropic/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [] }, { 'x-api-key': 'sk-ant-block' });
    expect(res.status).toBe(402);
    expect(res.headers.get('x-should-retry')).toBe('false');
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('billing_error');
    expect(body.error.message).toMatch(/budget "Claude Code"/);
    expect(body.error.message).toMatch(/\$0\.078 of \$0\.010 this month, stop at 100%/);
    expect(body.error.message).toMatch(/resets at \d{4}-\d{2}-\d{2} 00:00/);
    expect(body.error.message).toMatch(/override/);
    expect(fake.received.length).toBe(n);
    const audit = (await tg.admin<{ kind: string; budgetId: string }[]>('audit.list', { kind: 'block' })).body.data!;
    expect(audit[0]).toMatchObject({ kind: 'block', budgetId: b.id });
  });

  it('the official SDKs raise a clear error on a block and do not retry it', async () => {
    await budget({ name: 'zero', period: { kind: 'day' }, limitUsd: 0.000001, hardStopPercent: 100 });
    let reached = 0;
    tg.core.events.on('request.recorded', () => reached++);
    const openai = new OpenAI({ baseURL: `${tg.url}/openai/v1`, apiKey: 'sk-sdk', maxRetries: 3 });
    const e1 = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(OpenAI.APIError);
    expect((e1 as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((e1 as Error).message).toMatch(/budget "zero"/);
    const anthropic = new Anthropic({ baseURL: `${tg.url}/anthropic`, apiKey: 'sk-ant-sdk', maxRetries: 3 });
    const e2 = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(Anthropic.APIError);
    expect((e2 as Error).message).toMatch(/Tollgate blocked this request: budget \\"zero\\"/);
    await new Promise((r) => setTimeout(r, 50));
    // One request each reached Tollgate: no retries.
    expect(reached).toBe(2);
  });

  it('degrade sends the request to the cheaper model, says so in a header, and prices it at the new model', async () => {
    await budget({ name: 'degrade me', scope: { provider: 'openai' }, period: { kind: 'day' }, limitUsd: 0.000001, hardStopPercent: 100, action: 'degrade', degradeTo: { 'gpt-4o': 'gpt-4.1-nano' } });
    const before = (await records(tg.core, 0)).length;
    const res = await post('/openai/v1/chat/completions', { model: 'gpt-4o', messages: [] }, { authorization: 'Bearer sk-degrade' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-tollgate-degraded')).toBe('gpt-4o -> gpt-4.1-nano');
    expect((fake.received.at(-1)!.body as { model: string }).model).toBe('gpt-4.1-nano');
    const r = (await records(tg.core, before + 1)).at(-1)!;
    expect(r.model).toBe('gpt-4.1-nano');
    expect(r.flags).toContain('degraded');
    // gpt-4.1-nano: $0.10 input, $0.025 cached, $0.40 output.
    expect(r.costUsd).toBeCloseTo((176 * 0.1 + 1024 * 0.025 + 80 * 0.4) / 1e6, 12);
  });

  it('agent runs: an iteration cap per run and a per-iteration output clamp', async () => {
    await budget({ name: 'agent', scope: { run: '*' }, period: { kind: 'total' }, limitUsd: 100, runLimits: { maxIterations: 3, maxTokensPerIteration: 256 } });
    const send = (run: string, max?: number) =>
      post('/anthropic/v1/messages', { model: 'claude-haiku-4-5', max_tokens: max ?? 4096, messages: [] }, { 'x-api-key': 'sk-ant-agent', 'x-tollgate-run': run });
    const first = await send('run-a');
    expect(first.headers.get('x-tollgate-clamped-max-tokens')).toBe('256');
    expect((fake.received.at(-1)!.body as { max_tokens: number }).max_tokens).toBe(256);
    const small = await send('run-a', 100);
    expect(small.headers.get('x-tollgate-clamped-max-tokens')).toBeNull();
    expect((fake.received.at(-1)!.body as { max_tokens: number }).max_tokens).toBe(100);
    expect((await send('run-a')).status).toBe(200);
    const fourth = await send('run-a');
    expect(fourth.status).toBe(402);
    expect(((await fourth.json()) as { error: { message: string } }).error.message).toMatch(/run "run-a" reached its cap of 3 requests/);
    // Another run has its own count; a call outside any run is not capped.
    expect((await send('run-b')).status).toBe(200);
    const outside = await post('/anthropic/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 4096, messages: [] }, { 'x-api-key': 'sk-ant-agent' });
    expect(outside.headers.get('x-tollgate-clamped-max-tokens')).toBeNull();
    const list = (await tg.admin<BudgetStatus[]>('budgets.list')).body.data!;
    expect(list.find((s) => s.run === 'run-a')?.iterations).toBe(3);
  });

  it('pause blocks everything at once; resume lets traffic through', async () => {
    await tg.admin('settings.update', { paused: true });
    const res = await post('/openai/v1/chat/completions', { model: 'gpt-4o-mini', messages: [] }, { authorization: 'Bearer sk-p' });
    expect(res.status).toBe(402);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/paused all AI traffic/);
    await tg.admin('settings.update', { paused: false });
    expect((await post('/openai/v1/chat/completions', { model: 'gpt-4o-mini', messages: [] }, { authorization: 'Bearer sk-p' })).status).toBe(200);
  });

  it('with hard-stop enforcement off, a budget past its stop warns and never blocks', async () => {
    await budget({ name: 'soft now', period: { kind: 'day' }, limitUsd: 0.000001, hardStopPercent: 100 });
    await tg.admin('settings.update', { hardStopEnforcement: false });
    const res = await post('/openai/v1/chat/completions', { model: 'gpt-4o-mini', messages: [] }, { authorization: 'Bearer sk-soft' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-tollgate-budget-warning')).toMatch(/enforcement is off/);
    await tg.admin('settings.update', { hardStopEnforcement: true });
    expect((await post('/openai/v1/chat/completions', { model: 'gpt-4o-mini', messages: [] }, { authorization: 'Bearer sk-soft' })).status).toBe(402);
  });

  it('unpriced models: allowed and counted in tokens by default, blocked when the policy says so', async () => {
    const b = await budget({ name: 'mixed', period: { kind: 'day' }, limitUsd: 10, limitTokens: 1_000_000 });
    const res = await post('/openai/v1/chat/completions', { model: 'my-mystery-model', messages: [] }, { authorization: 'Bearer sk-u' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-tollgate-unpriced')).toBe('true');
    expect(res.headers.get('x-tollgate-budget-warning')).toMatch(/no known price: counted in tokens only/);
    const s = await status(b.id);
    expect(s.unpricedRequests).toBe(1);
    expect(s.spentTokens).toBe(1280);
    expect(s.spentUsd).toBe(0);
    await tg.admin('settings.update', { unpricedPolicy: 'block' });
    const blocked = await post('/openai/v1/chat/completions', { model: 'my-mystery-model', messages: [] }, { authorization: 'Bearer sk-u' });
    expect(blocked.status).toBe(402);
    expect(((await blocked.json()) as { error: { message: string } }).error.message).toMatch(/no known price/);
  });

  it('a stream whose running cost would pass the hard stop is ended cleanly with the format\'s error event and marked cut off', async () => {
    // No max_tokens: the reservation assumes 500 output tokens (assumedMaxOutputTokens); the stream produces far more.
    await tg.admin('settings.update', { assumedMaxOutputTokens: 500 });
    // Worst case at admission: ~100 body bytes at $2.50/M + 500 output tokens at $10/M ≈ $0.0053, under the $0.01 stop.
    const b = await budget({ name: 'stream cap', scope: { provider: 'openai' }, period: { kind: 'day' }, limitUsd: 0.01, hardStopPercent: 100 });
    const before = (await records(tg.core, 0)).length;
    // ~5000 tokens of gpt-4o output at $10/M = $0.05.
    const res = await post('/openai/v1/chat/completions', { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'go' }] }, {
      authorization: 'Bearer sk-cut',
      'x-fake': JSON.stringify({ text: 'word ', repeat: 4000, chunks: 200, chunkDelayMs: 1 }),
    });
    const out = await res.text();
    expect(out).toMatch(/data: \{"error":\{"message":"Tollgate ended this stream/);
    expect(out).not.toContain('[DONE]');
    const r = (await records(tg.core, before + 1)).at(-1)!;
    expect(r.flags).toContain('cut-off');
    expect(r.costUsd).toBeGreaterThan(0);
    const s = await status(b.id);
    // Cut within a few chunks of the stop: far below the $0.05 the whole answer would have cost.
    expect(s.spentUsd).toBeLessThanOrEqual(0.0105);
    expect(s.spentUsd).toBeGreaterThan(0.009);
    const audit = (await tg.admin<{ kind: string }[]>('audit.list', { kind: 'cut-off' })).body.data!;
    expect(audit.length).toBeGreaterThan(0);
  });

  it('the SDK sees a cut-off stream as an error', async () => {
    await tg.admin('settings.update', { assumedMaxOutputTokens: 500 });
    await budget({ name: 'sdk cut', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 0.01, hardStopPercent: 100 });
    const client = new Anthropic({ baseURL: `${tg.url}/anthropic`, apiKey: 'sk-ant-cut', maxRetries: 0, defaultHeaders: { 'x-fake': JSON.stringify({ text: 'token ', repeat: 3000, chunks: 300, usage: { input_tokens: 10, output_tokens: 3000 } }) } });
    const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'go' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/Tollgate ended this stream/);
  });

  it('thresholds fire exactly once per budget, period and tier, even under concurrency', async () => {
    const b = await budget({ name: 'tiers', scope: { provider: 'openai' }, period: { kind: 'day' }, limitUsd: 0.01, hardStopPercent: null });
    // gpt-4o-mini default call: $0.0001512. 100 calls ≈ $0.0151 = 151%.
    await Promise.all(Array.from({ length: 100 }, () => post('/openai/v1/chat/completions', { model: 'gpt-4o-mini', messages: [] }, { authorization: 'Bearer sk-tiers' })));
    const mine = alerts.filter((a) => a.budgetId === b.id);
    expect(mine.map((a) => a.tier).sort((x, y) => x! - y!)).toEqual([50, 80, 100]);
    expect(new Set(mine.map((a) => a.id)).size).toBe(3);
    expect(mine[0]!.title).toMatch(/Budget "tiers" at 50%/);
    expect(mine.find((a) => a.tier === 100)!.body).toMatch(/no hard stop/i);
    const s = await status(b.id);
    expect(s.fired).toEqual([50, 80, 100]);
    expect(s.state).toBe('exceeded');
    const next = await post('/openai/v1/chat/completions', { model: 'gpt-4o-mini', messages: [] }, { authorization: 'Bearer sk-tiers' });
    expect(next.headers.get('x-tollgate-budget-warning')).toMatch(/^budget "tiers" at 15\d%$/);
  });

  it('an override raises the limit for a while and is audited', async () => {
    const b = await budget({ name: 'raise me', scope: { provider: 'openai' }, period: { kind: 'day' }, limitUsd: 0.00001, hardStopPercent: 100 });
    expect((await post('/openai/v1/chat/completions', { model: 'gpt-4o-mini', max_tokens: 100, messages: [] }, { authorization: 'Bearer sk-ov' })).status).toBe(402);
    const bad = await tg.admin('budgets.override', { budgetId: b.id, addUsd: 1, minutes: 60 });
    expect(bad.body.error?.field).toBe('reason');
    const ov = await tg.admin<{ id: string }>('budgets.override', { budgetId: b.id, addUsd: 1, minutes: 60, reason: 'release day' });
    expect(ov.status).toBe(200);
    expect((await post('/openai/v1/chat/completions', { model: 'gpt-4o-mini', max_tokens: 100, messages: [] }, { authorization: 'Bearer sk-ov' })).status).toBe(200);
    const s = await status(b.id);
    expect(s.effectiveLimitUsd).toBeCloseTo(1.00001, 9);
    const audit = (await tg.admin<{ message: string }[]>('audit.list', { kind: 'override' })).body.data!;
    expect(audit[0]!.message).toMatch(/\+\$1\.00 .* Why: release day/);
  });

  it('rejects invalid budgets naming the field, and keeps the last good configuration', async () => {
    const cases: [object, string][] = [
      [{ name: 'x', period: { kind: 'month' }, limitUsd: -5 }, 'limitUsd'],
      [{ name: 'x', period: { kind: 'month' }, limitUsd: 'ten' }, 'limitUsd'],
      [{ name: 'x', period: { kind: 'month' } }, 'limitUsd'],
      [{ name: 'x', scope: { department: 'a' }, period: { kind: 'month' }, limitUsd: 5 }, 'scope.department'],
      [{ name: 'x', period: { kind: 'month' }, limitUsd: 5, thresholds: [80, 50] }, 'thresholds[1]'],
      [{ name: 'x', period: { kind: 'month' }, limitUsd: 5, hardStopPercent: 90 }, 'hardStopPercent'],
      [{ name: 'x', period: { kind: 'fortnight' }, limitUsd: 5 }, 'period.kind'],
      [{ name: 'x', period: { kind: 'month', billingDay: 31 }, limitUsd: 5 }, 'period.billingDay'],
      [{ name: 'x', period: { kind: 'day' }, limitUsd: 5, dailyGuardrailUsd: 1 }, 'dailyGuardrailUsd'],
      [{ name: '', period: { kind: 'day' }, limitUsd: 5 }, 'name'],
    ];
    for (const [input, field] of cases) {
      const r = await tg.admin('budgets.create', input);
      expect(r.status, JSON.stringify(input)).toBe(400);
      expect(r.body.error?.field, JSON.stringify(input)).toBe(field);
    }
    const b = await budget({ name: 'good', period: { kind: 'month' }, limitUsd: 5 });
    const bad = await tg.admin('budgets.update', { id: b.id, limitUsd: -1 });
    expect(bad.body.error?.field).toBe('limitUsd');
    expect((await status(b.id)).budget.limitUsd).toBe(5);
  });
});

describe('spend that starts before the budget', () => {
  it('a budget created mid-period starts from the period\'s recorded spend', async () => {
    for (let i = 0; i < 3; i++) await post('/openai/v1/chat/completions', { model: 'gpt-4o-mini', messages: [] }, { authorization: 'Bearer sk-seed', 'x-tollgate-project': 'seeded' });
    const b = await budget({ name: 'late', scope: { project: 'seeded' }, period: { kind: 'month' }, limitUsd: 1 });
    expect((await status(b.id)).spentUsd).toBeCloseTo(3 * ((176 * 0.15 + 1024 * 0.075 + 80 * 0.6) / 1e6), 12);
  });
});

