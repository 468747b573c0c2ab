import { describe, expect, it } from 'vitest';
import type { BudgetAlert } from '../../../../src/main/contract/budgets.js';
import type { Settings } from '../../../../src/main/contract/settings.js';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { createBudgetEngine } from '../../../../src/main/core/budgets/engine.js';
import type { ReportedSpendRow } from '../../../../src/main/core/budgets/reported-spend.js';
import { createPriceDatabase } from '../../../../src/main/core/pricing/price-database.js';
import { createPricer } from '../../../../src/main/core/pricing/pricer.js';
import type { AdmissionInput } from '../../../../src/main/core/proxy/admission.js';
import { defaultSettings } from '../../../../src/main/core/settings/settings.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';

const db = createPriceDatabase();
const pricer = createPricer({ db, overrides: () => [] });
const noTokenizer = { count: () => null, ready: async () => {} };

/** One call as admission sees it: an OpenAI chat call on `model`, with the given output cap and body size. */
function admission(o: { id: string; ts: number; model?: string; maxOutputTokens?: number; bodyBytes?: number; prompt?: string } & Partial<AdmissionInput>): AdmissionInput {
  const { id, ts, model = 'gpt-4o-mini', maxOutputTokens = 1, bodyBytes = 1, prompt = '', ...rest } = o;
  return {
    requestId: id,
    ts,
    provider: 'openai',
    pricing: { routeId: 'openai', pricingProviderId: 'openai', free: false },
    operation: 'chat.completions',
    model,
    keyId: 'k1',
    project: null,
    user: null,
    run: null,
    call: { model, stream: false, maxOutputTokens, promptText: () => prompt },
    bodyBytes,
    ...rest,
  };
}

function setup(tz = 'Europe/Berlin', start = Date.UTC(2026, 2, 28, 12), initial?: unknown) {
  const clock = createManualClock(start);
  const settings: Settings = { ...defaultSettings(), timezone: tz };
  const alerts: BudgetAlert[] = [];
  const engine = createBudgetEngine({ clock, settings: () => settings, pricer, tokenizer: noTokenizer, keyLabel: (id) => id, initial, onChange: () => {}, onAlert: (a) => alerts.push(a) });
  let n = 0;
  /** Admits and settles one call whose recorded cost is `usd`. */
  const spend = (usd: number, extra: Partial<AdmissionInput> = {}) => {
    const input = admission({ id: `r${++n}`, ts: clock.now(), ...extra });
    const d = engine.admit(input);
    if (!d.ok) return d;
    const rec = { id: input.requestId, ts: input.ts, usage: { inputTokens: 10, outputTokens: 10, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 }, costUsd: usd, flags: [], run: input.run } as unknown as RequestRecord;
    d.ticket.settle(rec);
    return d;
  };
  return { clock, settings, alerts, engine, spend };
}

describe('periods reset exactly at their boundary, in the configured zone', () => {
  it('day budgets reset at local midnight, across the spring DST change (Berlin, 2026-03-29)', () => {
    const { clock, engine, spend } = setup('Europe/Berlin', Date.UTC(2026, 2, 28, 22, 59));
    const b = engine.create({ name: 'd', period: { kind: 'day' }, limitUsd: 10 });
    spend(1);
    expect(engine.list()[0]!.spentUsd).toBe(1);
    expect(new Date(engine.list()[0]!.resetsAt!).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    clock.set(Date.UTC(2026, 2, 28, 23, 0)); // local midnight, Mar 29 (CET)
    expect(engine.list()[0]!.spentUsd).toBe(0);
    spend(2);
    // Mar 29 is 23 hours long: the next reset is at 22:00 UTC (CEST midnight).
    expect(new Date(engine.list()[0]!.resetsAt!).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    clock.set(Date.UTC(2026, 2, 29, 21, 59, 59));
    expect(engine.list()[0]!.spentUsd).toBe(2);
    clock.set(Date.UTC(2026, 2, 29, 22, 0));
    expect(engine.list()[0]!.spentUsd).toBe(0);
    expect(engine.get(b.id)).not.toBeNull();
  });

  it('the same instant is a different day in UTC and in Tokyo', () => {
    const tokyo = setup('Asia/Tokyo', Date.UTC(2026, 5, 1, 14, 59));
    const utc = setup('UTC', Date.UTC(2026, 5, 1, 14, 59));
    for (const s of [tokyo, utc]) {
      s.engine.create({ name: 'd', period: { kind: 'day' }, limitUsd: 10 });
      s.spend(1);
      s.clock.set(Date.UTC(2026, 5, 1, 15, 0));
    }
    expect(tokyo.engine.list()[0]!.spentUsd).toBe(0); // midnight in Tokyo
    expect(utc.engine.list()[0]!.spentUsd).toBe(1);
  });

  it('week budgets start on Monday (or Sunday) at local midnight', () => {
    // 2026-11-29 is a Sunday.
    const { clock, engine, spend } = setup('America/New_York', Date.UTC(2026, 10, 29, 12));
    engine.create({ name: 'mon', period: { kind: 'week' }, limitUsd: 10 });
    engine.create({ name: 'sun', period: { kind: 'week', weekStartsOn: 0 }, limitUsd: 10 });
    spend(1);
    const [mon, sun] = engine.list();
    expect(new Date(mon!.resetsAt!).toISOString()).toBe('2026-11-30T05:00:00.000Z');
    expect(new Date(sun!.resetsAt!).toISOString()).toBe('2026-12-06T05:00:00.000Z');
    clock.set(Date.UTC(2026, 10, 30, 5, 0));
    expect(engine.list().map((s) => s.spentUsd)).toEqual([0, 1]);
  });

  it('month budgets reset on their billing day, with months of different lengths', () => {
    const { clock, engine, spend } = setup('UTC', Date.UTC(2026, 0, 20, 12));
    engine.create({ name: 'billing 15th', period: { kind: 'month', billingDay: 15 }, limitUsd: 10 });
    engine.create({ name: 'calendar', period: { kind: 'month' }, limitUsd: 10 });
    spend(1);
    const [billing, calendar] = engine.list();
    expect(new Date(billing!.periodStart).toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(new Date(billing!.resetsAt!).toISOString()).toBe('2026-02-15T00:00:00.000Z');
    expect(new Date(calendar!.resetsAt!).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    clock.set(Date.UTC(2026, 1, 1, 0, 0));
    expect(engine.list().map((s) => s.spentUsd)).toEqual([1, 0]);
    clock.set(Date.UTC(2026, 1, 15, 0, 0));
    expect(engine.list().map((s) => s.spentUsd)).toEqual([0, 0]);
  });

  it('rolling windows drop spend older than N days; totals never reset', () => {
    const { clock, engine, spend } = setup('UTC', Date.UTC(2026, 0, 1, 12));
    engine.create({ name: '7d', period: { kind: 'rolling', days: 7 }, limitUsd: 100 });
    engine.create({ name: 'total', period: { kind: 'total' }, limitUsd: 100 });
    spend(1);
    clock.advance(3 * 86_400_000);
    spend(2);
    expect(engine.list().map((s) => s.spentUsd)).toEqual([3, 3]);
    clock.advance(4 * 86_400_000 + 3_600_000);
    expect(engine.list().map((s) => s.spentUsd)).toEqual([2, 3]);
    clock.advance(365 * 86_400_000);
    expect(engine.list().map((s) => s.spentUsd)).toEqual([0, 3]);
    expect(engine.list()[1]!.resetsAt).toBeNull();
  });
});

describe('thresholds', () => {
  it('fire once per tier and period, and again in the next period', () => {
    const { clock, engine, spend, alerts } = setup('UTC', Date.UTC(2026, 0, 1, 12));
    engine.create({ name: 'b', period: { kind: 'day' }, limitUsd: 10, hardStopPercent: 120 });
    spend(4);
    spend(0.5);
    expect(alerts.map((a) => a.tier)).toEqual([]);
    spend(1); // 55%
    expect(alerts.map((a) => a.tier)).toEqual([50]);
    spend(0.1);
    spend(3); // 86%
    spend(3); // 116%
    spend(1); // 126%
    expect(alerts.map((a) => [a.kind, a.tier])).toEqual([
      ['threshold', 50],
      ['threshold', 80],
      ['threshold', 100],
      ['hard-stop', 120],
    ]);
    expect(alerts[1]!.body).toMatch(/\$8\.60 of \$10\.00 today\. Requests for all traffic will be blocked at \$12\.00 \(120%\)/);
    clock.advance(86_400_000);
    spend(6);
    expect(alerts.slice(4).map((a) => a.tier)).toEqual([50]);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(alerts.length);
  });

  it('survive a restart: the fired tiers are part of the persisted state', () => {
    const first = setup('UTC', Date.UTC(2026, 0, 1, 12));
    first.engine.create({ name: 'b', period: { kind: 'day' }, limitUsd: 10 });
    first.spend(6);
    expect(first.alerts.map((a) => a.tier)).toEqual([50]);
    const saved = JSON.parse(JSON.stringify(first.engine.snapshot()));
    const second = setup('UTC', first.clock.now(), saved);
    second.spend(1);
    expect(second.alerts).toEqual([]);
    second.spend(1.5);
    expect(second.alerts.map((a) => a.tier)).toEqual([80]);
  });

  it('a daily guardrail caps a monthly budget for the day and resets at midnight', () => {
    const { clock, engine, spend, alerts } = setup('UTC', Date.UTC(2026, 0, 10, 12));
    engine.create({ name: 'm', period: { kind: 'month' }, limitUsd: 100, dailyGuardrailUsd: 12 });
    spend(12);
    expect(alerts.map((a) => a.kind)).toContain('guardrail');
    const blocked = spend(0.01);
    expect(blocked.ok).toBe(false);
    expect(!blocked.ok && blocked.message).toMatch(/daily guardrail: \$12\.00 of \$12\.00 today/);
    clock.set(Date.UTC(2026, 0, 11, 0, 0));
    expect(spend(1).ok).toBe(true);
    expect(engine.list()[0]!.spentUsd).toBe(13);
  });
});

describe('overrides and reservations', () => {
  it('an override lifts the limit until it expires, warns before it ends, and the expiry is audited', () => {
    const { clock, engine, spend, alerts } = setup('UTC', Date.UTC(2026, 0, 10, 12));
    const b = engine.create({ name: 'o', period: { kind: 'month' }, limitUsd: 10, hardStopPercent: 100 });
    spend(10);
    expect(spend(0.01).ok).toBe(false);
    engine.addOverride({ budgetId: b.id, addUsd: null, addPercent: 50, expiresAt: clock.now() + 3_600_000, reason: 'launch' });
    expect(engine.list()[0]!.effectiveLimitUsd).toBe(15);
    expect(spend(1).ok).toBe(true);
    clock.advance(55 * 60_000);
    engine.sweep();
    expect(alerts.filter((a) => a.kind === 'override-expiring')).toHaveLength(1);
    engine.sweep();
    expect(alerts.filter((a) => a.kind === 'override-expiring')).toHaveLength(1);
    clock.advance(5 * 60_000);
    engine.sweep();
    expect(engine.list()[0]!.effectiveLimitUsd).toBe(10);
    expect(spend(0.01).ok).toBe(false);
    expect(engine.audit(10, 'override-expired')[0]!.message).toMatch(/launch/);
  });

  it('reservations never leak: released on error, and after a timeout when a request never completes', () => {
    const { clock, engine } = setup('UTC', Date.UTC(2026, 0, 10, 12));
    engine.create({ name: 'r', period: { kind: 'month' }, limitUsd: 10 });
    const input = (id: string) => admission({ id, ts: clock.now(), model: 'gpt-4o', maxOutputTokens: 1000, bodyBytes: 1000 });
    const a = engine.admit(input('a'));
    const b = engine.admit(input('b'));
    expect(a.ok && b.ok).toBe(true);
    expect(engine.list()[0]!.reservedUsd).toBeGreaterThan(0);
    if (a.ok) a.ticket.release();
    expect(engine.outstanding).toBe(1);
    clock.advance(defaultSettings().upstreamIdleTimeoutMs + 121_000);
    engine.sweep();
    expect(engine.outstanding).toBe(0);
    expect(engine.list()[0]!.reservedUsd).toBe(0);
  });

  it('reservations are not persisted: a restart starts with none', () => {
    const { engine, clock } = setup('UTC', Date.UTC(2026, 0, 10, 12));
    engine.create({ name: 'r', period: { kind: 'month' }, limitUsd: 10 });
    engine.admit(admission({ id: 'x', ts: clock.now(), model: 'gpt-4o', maxOutputTokens: 100_000, bodyBytes: 1000 }));
    const restarted = setup('UTC', clock.now(), JSON.parse(JSON.stringify(engine.snapshot())));
    expect(restarted.engine.list()[0]!.reservedUsd).toBe(0);
  });
});

describe('provider-reported spend', () => {
  it('a key known only from provider usage data counts toward a budget and fires its thresholds', () => {
    const { clock, engine, alerts } = setup('UTC', Date.UTC(2026, 0, 10, 12));
    const b = engine.create({ name: 'teammate', scope: { keyId: 'openai:key_abc' }, period: { kind: 'month' }, limitUsd: 20 });
    let rows: ReportedSpendRow[] = [];
    const listeners: (() => void)[] = [];
    engine.setReportedSource({ rows: () => rows, onChange: (l) => (listeners.push(l), () => {}) });
    rows = [{ provider: 'openai', keyId: 'openai:key_abc', providerKeyId: 'key_abc', model: 'gpt-4o', project: null, start: Date.UTC(2026, 0, 9), end: Date.UTC(2026, 0, 9, 1), costUsd: 11, inputTokens: 1, outputTokens: 1, asOf: clock.now() - 60_000 }];
    for (const l of listeners) l();
    const s = engine.list().find((x) => x.budget.id === b.id)!;
    expect(s.spentUsd).toBe(11);
    expect(s.reportedUsd).toBe(11);
    expect(s.reportedAsOf).toBe(clock.now() - 60_000);
    expect(alerts.map((a) => a.tier)).toEqual([50]);
    // Spend from before the period does not count.
    rows.push({ ...rows[0]!, start: Date.UTC(2025, 11, 30), end: Date.UTC(2025, 11, 30, 1), costUsd: 100 });
    for (const l of listeners) l();
    expect(engine.list()[0]!.spentUsd).toBe(11);
  });

  it('a bucket that began before the period counts for its share inside it (a half-hour zone\'s midnight)', () => {
    // January starts at 2025-12-31 18:30 UTC in Asia/Kolkata: half of the 18:00–19:00 UTC bucket is January's.
    const { clock, engine } = setup('Asia/Kolkata', Date.UTC(2026, 0, 10, 12));
    engine.create({ name: 'k', scope: { keyId: 'openai:key_abc' }, period: { kind: 'month' }, limitUsd: 100 });
    const hour = (start: number, costUsd: number): ReportedSpendRow => ({ provider: 'openai', keyId: 'openai:key_abc', providerKeyId: 'key_abc', model: 'gpt-4o', project: null, start, end: start + 3_600_000, costUsd, inputTokens: 300, outputTokens: 100, asOf: clock.now() });
    const rows = [hour(Date.UTC(2025, 11, 31, 17), 50), hour(Date.UTC(2025, 11, 31, 18), 8), hour(Date.UTC(2026, 0, 2, 9), 3)];
    engine.setReportedSource({ rows: () => rows, onChange: () => () => {} });
    const s = engine.list()[0]!;
    expect(s.reportedUsd).toBe(4 + 3);
    expect(s.spentTokens).toBe(200 + 400);
  });

  it('"max" counts the larger of observed and reported; "observed" ignores reports', () => {
    const { engine, spend } = setup('UTC', Date.UTC(2026, 0, 10, 12));
    engine.create({ name: 'max', scope: { keyId: 'k1' }, period: { kind: 'month' }, limitUsd: 100 });
    engine.create({ name: 'observed', scope: { keyId: 'k1' }, period: { kind: 'month' }, limitUsd: 100, counts: 'observed' });
    engine.setReportedSource({ rows: () => [{ provider: 'openai', keyId: 'k1', providerKeyId: null, model: null, project: null, start: Date.UTC(2026, 0, 10), end: Date.UTC(2026, 0, 10, 1), costUsd: 5, inputTokens: 0, outputTokens: 0, asOf: 0 }], onChange: () => () => {} });
    spend(2);
    expect(engine.list().map((s) => s.spentUsd)).toEqual([5, 2]);
    spend(4);
    expect(engine.list().map((s) => s.spentUsd)).toEqual([6, 6]);
  });

  it('a source with nothing to report (no usage connection) is not read per budget, and is once it has rows', () => {
    const { engine, spend } = setup('UTC', Date.UTC(2026, 0, 10, 12));
    engine.create({ name: 'max', scope: { keyId: 'k1' }, period: { kind: 'month' }, limitUsd: 100 });
    engine.create({ name: 'all', period: { kind: 'rolling', days: 7 }, limitUsd: 100 });
    let connected = false;
    let reads = 0;
    const listeners: (() => void)[] = [];
    const row: ReportedSpendRow = { provider: 'openai', keyId: 'k1', providerKeyId: null, model: null, project: null, start: Date.UTC(2026, 0, 10), end: Date.UTC(2026, 0, 10, 1), costUsd: 5, inputTokens: 0, outputTokens: 0, asOf: 0 };
    engine.setReportedSource({ rows: () => (reads++, connected ? [row] : []), onChange: (l) => (listeners.push(l), () => {}), isEmpty: () => !connected });
    spend(2);
    expect(engine.list().map((s) => s.spentUsd)).toEqual([2, 2]);
    expect(reads).toBe(0);
    connected = true;
    for (const l of listeners) l();
    expect(engine.list().map((s) => s.spentUsd)).toEqual([5, 5]);
    expect(reads).toBeGreaterThan(0);
  });
});

describe('worst-case estimates near a limit', () => {
  it('use the byte bound far from limits and the tokenizer close to one, once it has loaded', async () => {
    const { createLazyTokenizer } = await import('../../../../src/main/core/tokens/tokenizer.js');
    const tokenizer = createLazyTokenizer();
    const clock = createManualClock(Date.UTC(2026, 0, 10, 12));
    const settings = defaultSettings();
    const make = (tok: typeof tokenizer | typeof noTokenizer) =>
      createBudgetEngine({ clock, settings: () => settings, pricer, tokenizer: tok, keyLabel: (id) => id, onChange: () => {}, onAlert: () => {} });
    const prompt = 'hello '.repeat(1000);
    const body = JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: prompt }] });
    const input = admission({ id: 'near', ts: clock.now(), maxOutputTokens: 10, prompt, bodyBytes: Buffer.byteLength(body) });
    // gpt-4o-mini input is $0.15/M: the byte bound (~6,070 tokens) reserves ~$0.00091; the prompt is ~1,000 tokens.
    const limit = { name: 'near', period: { kind: 'day' }, limitUsd: 0.0005, hardStopPercent: 100 };
    const withoutTokenizer = make(noTokenizer);
    withoutTokenizer.create(limit);
    expect(withoutTokenizer.admit(input).ok).toBe(false);
    const withTokenizer = make(tokenizer);
    withTokenizer.create(limit);
    await tokenizer.ready();
    const d = withTokenizer.admit(input);
    expect(d.ok).toBe(true);
    expect(withTokenizer.list()[0]!.reservedUsd).toBeLessThan(0.0005);
    expect(withTokenizer.list()[0]!.reservedUsd).toBeGreaterThan((1000 * 0.15) / 1e6);
  });
});
