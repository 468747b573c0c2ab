import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetAlert, BudgetStatus } from '../../../../src/main/contract/budgets.js';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, tempDir, type Tollgate } from '../../../support/harness.js';
import { eventually } from '../../../support/wait.js';
import { claudeLine } from '../coding-logs/logs.js';

let fake: FakeUpstream;
let tg: Tollgate;
let key: string;
let claudeFile: string;
let claudeRoot: string;
const dataDir = tempDir();

const WORDS = 'Tollgate can warn but not stop this: route Claude Code through Tollgate.';
/** claude-sonnet-4-5 per token, as the price database has it: telemetry is priced from its tokens like a proxied call. */
const SONNET = { input: 3e-6, output: 15e-6, read: 0.3e-6, write: 3.75e-6 };
const priceOf = (o: { input: number; output: number; cacheRead?: number; cacheCreation?: number }) =>
  o.input * SONNET.input + o.output * SONNET.output + (o.cacheRead ?? 0) * SONNET.read + (o.cacheCreation ?? 0) * SONNET.write;
/** Claude Code's own figure for a call, when it agrees with the price list. */
const agreed = (o: { requestId: string; input: number; output: number; email: string }) => ({ ...o, costUsd: priceOf(o) });

async function start() {
  tg = await startTollgate({ upstream: fake.url, dataDir, core: { codingLogs: { claudeRoots: [claudeRoot], codexRoots: [], pollMs: 500 } } });
}

beforeAll(async () => {
  fake = await startFakeUpstream();
  const root = tempDir();
  claudeRoot = path.join(root, 'claude', 'projects');
  fs.mkdirSync(path.join(claudeRoot, '-home-u-proj'), { recursive: true });
  claudeFile = path.join(claudeRoot, '-home-u-proj', 'sess-1.jsonl');
  await start();
  const created = await tg.admin<{ secret: string }>('keys.create', { name: 'otel', provider: 'anthropic', providerKey: 'sk-ant-otel-0000000002' });
  key = created.body.data!.secret;
});
afterAll(async () => {
  await tg.stop();
  await fake.close();
});

/** One Claude Code api_request event in OTLP/JSON, as Claude Code's exporter sends it. */
function apiRequest(o: { requestId: string; costUsd: number; input: number; output: number; email: string; cacheRead?: number; cacheCreation?: number }) {
  const kv = (k: string, value: Record<string, unknown>) => ({ key: k, value });
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [kv('service.name', { stringValue: 'claude-code' }), kv('service.version', { stringValue: '2.1.197' })] },
        scopeLogs: [
          {
            scope: { name: 'com.anthropic.claude_code.events', version: '2.1.197' },
            logRecords: [
              {
                timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                body: { stringValue: 'claude_code.api_request' },
                attributes: [
                  kv('event.name', { stringValue: 'api_request' }),
                  kv('user.email', { stringValue: o.email }),
                  kv('session.id', { stringValue: 'sess-otel' }),
                  kv('model', { stringValue: 'claude-sonnet-4-5' }),
                  kv('input_tokens', { intValue: o.input }),
                  kv('output_tokens', { intValue: o.output }),
                  kv('cache_read_tokens', { intValue: o.cacheRead ?? 0 }),
                  kv('cache_creation_tokens', { intValue: o.cacheCreation ?? 0 }),
                  kv('cost_usd', { doubleValue: o.costUsd }),
                  kv('request_id', { stringValue: o.requestId }),
                ],
              },
            ],
          },
        ],
      },
    ],
  });
}

const sendEvent = async (o: Parameters<typeof apiRequest>[0]) => {
  const res = await fetch(`${tg.url}/otlp/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: apiRequest(o) });
  expect(res.status).toBe(200);
};

const statuses = async () => (await tg.admin<BudgetStatus[]>('budgets.list')).body.data!;
const byName = async (name: string) => (await statuses()).find((s) => s.budget.name === name)!;

describe('budgets by source', () => {
  let proxyCost = 0;

  it('counts proxied spend in every budget, logs where asked, telemetry where asked: exact figures', async () => {
    for (const [name, sources] of [
      ['proxy only', 'proxy'],
      ['proxy and logs', 'proxy+logs'],
      ['everything', undefined],
    ] as const) {
      const res = await tg.admin('budgets.create', { name, scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 100, hardStopPercent: null, ...(sources ? { sources } : {}) });
      expect(res.status).toBe(200);
    }
    expect((await byName('everything')).budget.sources).toBeUndefined();
    expect((await tg.admin('budgets.create', { name: 'bad', period: { kind: 'day' }, limitUsd: 1, sources: 'logs' })).status).toBe(400);

    const res = await fetch(`${tg.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-sources-0000000001' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.text();
    const proxied = await eventually(async () => (await tg.core.api['requests.recent']({ limit: 10 })).find((r: RequestRecord) => !r.source || r.source === 'proxy'));
    proxyCost = proxied.costUsd!;
    expect(proxyCost).toBeGreaterThan(0);

    fs.writeFileSync(claudeFile, claudeLine({ msgId: 'msg_direct', requestId: 'req_d', input: 900, write5m: 100, read: 500, output: 60 }) + '\n');
    await eventually(async () => (await tg.core.api['requests.recent']({ limit: 10 })).some((r) => r.source === 'logs'), 4000, 'the imported line');
    // Claude Code says $0.02; Tollgate prices the tokens as it prices a proxied call: 4000 × $3 + 500 × $15 per MTok.
    await sendEvent({ requestId: 'req_tel_1', costUsd: 0.02, input: 4000, output: 500, email: 'yuki@example.com' });
    const tel1 = 0.0195;
    expect(priceOf({ input: 4000, output: 500 })).toBeCloseTo(tel1, 12);

    expect((await byName('proxy only')).spentUsd).toBeCloseTo(proxyCost, 12);
    expect((await byName('proxy and logs')).spentUsd).toBeCloseTo(proxyCost + 0.004125, 12);
    expect((await byName('everything')).spentUsd).toBeCloseTo(proxyCost + 0.004125 + tel1, 12);
    // A retried export adds nothing anywhere.
    await sendEvent({ requestId: 'req_tel_1', costUsd: 0.02, input: 4000, output: 500, email: 'yuki@example.com' });
    expect((await byName('everything')).spentUsd).toBeCloseTo(proxyCost + 0.004125 + tel1, 12);

    expect((await byName('proxy only')).unblockable).toBeUndefined();
    expect((await byName('proxy and logs')).unblockable).toEqual({ tools: ['claude-code'], message: WORDS });
  });

  it('does not count again an event about a call the proxy or the log import already recorded', async () => {
    const all = await tg.core.api['requests.recent']({ limit: 100 });
    const proxied = all.find((r) => !r.source)!;
    const before = (await byName('everything')).spentUsd;
    const telemetryBefore = all.filter((r) => r.source === 'telemetry').length;
    // Claude Code routed through Tollgate reports the same call: same model and usage (in Anthropic's terms:
    // uncached input apart from cache reads and writes), its own request id.
    const u = proxied.usage;
    const writes = u.cacheWrite5mTokens + u.cacheWrite1hTokens;
    const same = { costUsd: proxied.costUsd!, input: u.inputTokens - u.cacheReadTokens - writes, cacheRead: u.cacheReadTokens, cacheCreation: writes, output: u.outputTokens, email: 'yuki@example.com' };
    await sendEvent({ requestId: 'req_routed', ...same });
    // And the call the transcript already gave: 900 uncached + 500 read + 100 written in, 60 out.
    await sendEvent({ requestId: 'req_d', costUsd: 0.004125, input: 900, cacheRead: 500, cacheCreation: 100, output: 60, email: 'yuki@example.com' });
    expect((await tg.core.api['requests.recent']({ limit: 100 })).filter((r) => r.source === 'telemetry').length).toBe(telemetryBefore);
    expect((await byName('everything')).spentUsd).toBeCloseTo(before, 12);
    // The next call with the same figures is a new one: each recorded call matches one event at most.
    await sendEvent({ requestId: 'req_routed_2', ...same });
    expect((await byName('everything')).spentUsd).toBeCloseTo(before + proxied.costUsd!, 12);
  });

  it('fires each tier of a per-user telemetry budget exactly once, saying Tollgate cannot stop it', async () => {
    const res = await tg.admin<{ id: string }>('budgets.create', { name: 'zoe', scope: { user: 'zoe@example.com' }, period: { kind: 'day' }, limitUsd: 0.01, thresholds: [50, 80, 100], hardStopPercent: 120 });
    const id = res.body.data!.id;
    // $0.006, $0.003 (sent twice), $0.0036, $0.0009: 60%, 90%, 126%, 135% of $0.01.
    await sendEvent(agreed({ requestId: 'req_z1', input: 2000, output: 0, email: 'zoe@example.com' }));
    await sendEvent(agreed({ requestId: 'req_z2', input: 1000, output: 0, email: 'zoe@example.com' }));
    await sendEvent(agreed({ requestId: 'req_z2', input: 1000, output: 0, email: 'zoe@example.com' }));
    await sendEvent(agreed({ requestId: 'req_z3', input: 1200, output: 0, email: 'zoe@example.com' }));
    await sendEvent(agreed({ requestId: 'req_z4', input: 300, output: 0, email: 'zoe@example.com' }));
    const alerts = (await tg.admin<BudgetAlert[]>('alerts.recent', { limit: 100 })).body.data!.filter((a) => a.budgetId === id);
    expect(alerts.map((a) => [a.kind, a.tier]).sort()).toEqual([
      ['hard-stop', 120],
      ['threshold', 100],
      ['threshold', 50],
      ['threshold', 80],
    ]);
    for (const a of alerts) expect(a.body).toContain(WORDS);
    const z = await byName('zoe');
    expect(z.spentUsd).toBeCloseTo(0.0135, 12);
    expect(z.unblockable?.message).toBe(WORDS);
  });

  it("says the same in a daily guardrail's alert", async () => {
    const res = await tg.admin<{ id: string }>('budgets.create', { name: 'gail', scope: { user: 'gail@example.com' }, period: { kind: 'month' }, limitUsd: 1, dailyGuardrailUsd: 0.01, hardStopPercent: null });
    const id = res.body.data!.id;
    await sendEvent(agreed({ requestId: 'req_g1', input: 4000, output: 0, email: 'gail@example.com' }));
    const alerts = (await tg.admin<BudgetAlert[]>('alerts.recent', { limit: 100 })).body.data!.filter((a) => a.budgetId === id);
    expect(alerts.map((a) => a.kind)).toEqual(['guardrail']);
    expect(alerts[0]!.body).toContain(WORDS);
  });

  it('loads budgets stored without a sources field, and keeps counting by them after a restart', async () => {
    const before = (await byName('everything')).spentUsd;
    await tg.stop();
    await start();
    const after = await byName('everything');
    expect(after.budget.sources).toBeUndefined();
    expect(after.spentUsd).toBeCloseTo(before, 12);
    // An event counted before the restart, re-sent after it: the intake's memory was persisted.
    await sendEvent({ requestId: 'req_tel_1', costUsd: 0.02, input: 4000, output: 500, email: 'yuki@example.com' });
    expect((await byName('everything')).spentUsd).toBeCloseTo(before, 12);
    const late = { requestId: 'req_after_restart', input: 777, output: 7, email: 'yuki@example.com' };
    await sendEvent(agreed(late));
    expect((await byName('everything')).spentUsd).toBeCloseTo(before + priceOf(late), 12);
    expect((await byName('proxy and logs')).spentUsd).toBeCloseTo(proxyCost + 0.004125, 12);
    await sendEvent(agreed(late));
    expect((await byName('everything')).spentUsd).toBeCloseTo(before + priceOf(late), 12);
  });
});
