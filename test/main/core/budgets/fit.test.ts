import { describe, expect, it } from 'vitest';
import type { BudgetAlert } from '../../../../src/main/contract/budgets.js';
import type { Settings } from '../../../../src/main/contract/settings.js';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { createBudgetEngine } from '../../../../src/main/core/budgets/engine.js';
import { createPriceDatabase } from '../../../../src/main/core/pricing/price-database.js';
import { createPricer } from '../../../../src/main/core/pricing/pricer.js';
import type { AdmissionInput } from '../../../../src/main/core/proxy/admission.js';
import type { MeteredUsage } from '../../../../src/main/core/providers/types.js';
import { defaultSettings } from '../../../../src/main/core/settings/settings.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';

const pricer = createPricer({ db: createPriceDatabase(), overrides: () => [] });
const T0 = Date.UTC(2026, 5, 10, 12);

// claude-opus-4-1 per million tokens: $30 for input as 1-hour cache writes (the worst case admission prices
// input at), $75 output. With no tokenizer loaded, a body of N bytes counts as N input tokens.
const IN = 30e-6;
const OUT = 75e-6;

function setup(patch: Partial<Settings> = {}) {
  const clock = createManualClock(T0);
  const settings: Settings = { ...defaultSettings(), timezone: 'UTC', ...patch };
  const alerts: BudgetAlert[] = [];
  const engine = createBudgetEngine({
    clock,
    settings: () => settings,
    pricer,
    tokenizer: { count: () => null, ready: async () => {} },
    keyLabel: (id) => id,
    onChange: () => {},
    onAlert: (a) => alerts.push(a),
  });
  let n = 0;
  const call = (o: { max?: number | null; bytes?: number; stream?: boolean; thinking?: number; run?: string; keyId?: string; longCache?: boolean } = {}): AdmissionInput => ({
    requestId: `r${++n}`,
    ts: clock.now(),
    provider: 'anthropic',
    pricing: { routeId: 'anthropic', pricingProviderId: 'anthropic', free: false },
    operation: 'messages',
    model: 'claude-opus-4-1',
    keyId: o.keyId ?? 'k1',
    project: null,
    user: null,
    run: o.run ?? null,
    call: { model: 'claude-opus-4-1', stream: o.stream ?? false, maxOutputTokens: o.max === undefined ? 64_000 : o.max, promptText: () => '', ...(o.thinking ? { thinkingBudget: o.thinking } : {}), ...(o.longCache !== undefined ? { longCacheWrites: () => o.longCache! } : {}) },
    bodyBytes: o.bytes ?? 1000,
  });
  const record = (input: AdmissionInput, costUsd: number, outputTokens = 10, flags: string[] = []) =>
    ({
      id: input.requestId,
      ts: input.ts,
      keyId: input.keyId,
      model: input.model,
      usage: { inputTokens: 10, outputTokens, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 },
      costUsd,
      flags,
      run: input.run,
      stream: input.call.stream,
    }) as unknown as RequestRecord;
  /** Records spend through an admitted call that is settled at once. */
  const spend = (usd: number, o: Parameters<typeof call>[0] = {}) => {
    const input = call({ max: 1, ...o });
    const d = engine.admit(input);
    if (!d.ok) throw new Error(d.message);
    d.ticket.settle(record(input, usd));
  };
  return { clock, settings, alerts, engine, call, record, spend };
}

describe('clamp before block', () => {
  it('a 64k-token Opus call under a $1/day budget with $0.0035 spent is clamped to what the room affords', () => {
    const { engine, call, spend } = setup();
    engine.create({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 1, hardStopPercent: 100 });
    spend(0.0035);
    const d = engine.admit(call());
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    // ($1 − $0.0035 − 1,000 input tokens × $30/M) / $75/M = 12,886.67 → 12,886 output tokens.
    expect(d.maxOutputTokens).toBe(12_886);
    expect(engine.list()[0]!.reservedUsd).toBeCloseTo(1000 * IN + 12_886 * OUT, 12);
    expect(1000 * IN + 12_886 * OUT).toBeLessThanOrEqual(1 - 0.0035);
    // The same call asking for 1,000 tokens fits whole and is not touched.
    d.ticket.release();
    const small = engine.admit(call({ max: 1000 }));
    expect(small.ok && small.maxOutputTokens).toBeUndefined();
  });

  it('a per-run budget of $0.15 lets a fresh run’s first 64k Opus call through, clamped', () => {
    const { engine, call } = setup();
    engine.create({ name: 'per run', scope: { run: '*' }, period: { kind: 'total' }, limitUsd: 0.15, hardStopPercent: 100 });
    const d = engine.admit(call({ run: 'r1', stream: true }));
    expect(d.ok).toBe(true);
    // ($0.15 − $0.03) / $75/M = 1,600.
    expect(d.ok && d.maxOutputTokens).toBe(1600);
  });

  it('blocks only when input and the floor do not fit, saying how much is left and how much the call needs', () => {
    const { engine, call, spend, alerts } = setup();
    const b = engine.create({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 1, hardStopPercent: 100 });
    spend(0.64);
    // 11,107 input tokens ($0.33321) and 1,024 output tokens ($0.0768): $0.41 against $0.36 left.
    const big = engine.admit(call({ bytes: 11_107 }));
    expect(big.ok).toBe(false);
    expect(!big.ok && big.message).toBe(
      'Tollgate blocked this request: budget "daily" (anthropic) has $0.36 left before its stop at $1.00; this request needs at least $0.41 (its input and 1,024 output tokens). ' +
        'It resets at 2026-06-11 00:00 UTC. Raise the limit or add a temporary override in Tollgate (dashboard → Budgets), or turn off hard-stop enforcement from the tray.',
    );
    // A smaller input leaves room for more than the floor: clamped, not blocked. ($0.36 − $0.03) / $75/M = 4,400.
    const fits = engine.admit(call({ bytes: 1000 }));
    expect(fits.ok && fits.maxOutputTokens).toBe(4400);
    if (fits.ok) fits.ticket.release();
    // Exactly the floor fits: 0.36 − 1,024 × $75/M = $0.2832 of input, 9,440 tokens.
    const edge = engine.admit(call({ bytes: 9440 }));
    expect(edge.ok && edge.maxOutputTokens).toBe(1024);
    if (edge.ok) edge.ticket.release();
    expect(engine.admit(call({ bytes: 9441 })).ok).toBe(false);
    // The budget is stopped for such calls, and said so once: the first block of the period fired the hard-stop alert.
    const st = engine.list().find((s) => s.budget.id === b.id)!;
    expect(st.state).toBe('stopped');
    expect(alerts.filter((a) => a.kind === 'hard-stop')).toHaveLength(1);
    expect(alerts.find((a) => a.kind === 'hard-stop')!.body).toMatch(/^\$0\.64 of \$1\.00 today\. Requests for anthropic that do not fit/);
  });

  it('prices input as 5-minute cache writes when the request asks for no 1-hour entries', () => {
    const { engine, call } = setup();
    engine.create({ name: 'per run', scope: { run: '*' }, period: { kind: 'total' }, limitUsd: 0.15, hardStopPercent: 100 });
    // 4,000 input tokens: $0.12 as 1-hour writes ($30/M) leaves $0.03, under the 1,024-token floor ($0.0768): blocked.
    expect(engine.admit(call({ run: 'long', bytes: 4000, longCache: true })).ok).toBe(false);
    // As 5-minute writes ($18.75/M) they cost $0.075, and ($0.15 − $0.075) / $75/M = 1,000 → still under the floor.
    expect(engine.admit(call({ run: 'short', bytes: 4000, longCache: false })).ok).toBe(false);
    // 3,000 tokens: $0.09 as 1-hour writes leaves $0.06 (800 tokens, under the floor: blocked); as 5-minute writes
    // $0.05625, leaving room for ($0.15 − $0.05625) / $75/M = 1,250 output tokens: clamped, not blocked.
    expect(engine.admit(call({ run: 'a', bytes: 3000, longCache: true })).ok).toBe(false);
    const d = engine.admit(call({ run: 'b', bytes: 3000, longCache: false }));
    expect(d.ok && d.maxOutputTokens).toBe(1250);
  });

  it('a budget spent past its stop says so with the spend and the limit', () => {
    const { engine, call, spend } = setup({ defaultHardStopPercent: 100 });
    engine.create({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 1, hardStopPercent: 100 });
    spend(1.21);
    const d = engine.admit(call());
    expect(!d.ok && d.message).toBe(
      'Tollgate blocked this request: budget "daily" (anthropic) is at its hard stop: $1.21 of $1.00 today, stop at 100%. ' +
        'It resets at 2026-06-11 00:00 UTC. Raise the limit or add a temporary override in Tollgate (dashboard → Budgets), or turn off hard-stop enforcement from the tray.',
    );
    expect(engine.list()[0]!.state).toBe('stopped');
  });

  it('the first clamp of a period fires the hard-stop alert, exactly once', () => {
    const { engine, call, spend, alerts } = setup();
    engine.create({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 1, hardStopPercent: 100, thresholds: [90] });
    spend(0.01);
    for (let i = 0; i < 3; i++) {
      const d = engine.admit(call());
      expect(d.ok && d.maxOutputTokens).toBeLessThan(64_000);
      if (d.ok) d.ticket.release();
    }
    const stops = alerts.filter((a) => a.kind === 'hard-stop');
    expect(stops).toHaveLength(1);
    expect(stops[0]!.body).toMatch(/was shortened to fit/);
    // A clamp is not a stop: the budget still takes calls.
    expect(engine.list()[0]!.state).toBe('ok');
    spend(1.5);
    expect(alerts.filter((a) => a.kind === 'hard-stop')).toHaveLength(1);
  });

  it('a block caused only by requests in flight does not mark the budget stopped, and names what they hold', () => {
    const { engine, call } = setup();
    engine.create({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 1, hardStopPercent: 100 });
    const first = engine.admit(call());
    expect(first.ok && first.maxOutputTokens).toBe(12_933);
    const second = engine.admit(call());
    expect(!second.ok && second.message).toMatch(/has \$0\.000025 left before its stop at \$1\.00 \(\$1\.00 of it held by requests in flight\); this request needs at least \$0\.11 \(its input and 1,024 output tokens\)/);
    expect(engine.list()[0]!.state).toBe('ok');
  });

  it('the floor is a setting', () => {
    const { engine, call, spend } = setup({ clampFloorOutputTokens: 100 });
    engine.create({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 1, hardStopPercent: 100 });
    spend(0.96);
    // $0.04 − $0.03 of input leaves 133 output tokens: under the default floor, over this one.
    const d = engine.admit(call());
    expect(d.ok && d.maxOutputTokens).toBe(133);
  });

  it('a call that thinks is clamped no lower than its least thinking budget and one token, and blocked below that', () => {
    const { engine, call, spend } = setup({ clampFloorOutputTokens: 100 });
    engine.create({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 1, hardStopPercent: 100 });
    spend(0.9);
    // $0.10 − $0.03 affords 933 output tokens: enough for the floor of 100, not for a 1,024-token thinking budget.
    const plain = engine.admit(call());
    expect(plain.ok && plain.maxOutputTokens).toBe(933);
    if (plain.ok) plain.ticket.release();
    const thinking = engine.admit(call({ thinking: 32_000 }));
    expect(!thinking.ok && thinking.message).toMatch(/this request needs at least \$0\.11 \(its input and 1,025 output tokens\)/);
    const more = setup({ clampFloorOutputTokens: 100 });
    more.engine.create({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 1, hardStopPercent: 100 });
    more.spend(0.8);
    // $0.20 − $0.03 affords 2,266 tokens, past the 1,025 a thinking call needs.
    const roomier = more.engine.admit(more.call({ thinking: 32_000 }));
    expect(roomier.ok && roomier.maxOutputTokens).toBe(2266);
  });

  it('token budgets clamp in tokens', () => {
    const { engine, call } = setup();
    engine.create({ name: 'tokens', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: null, limitTokens: 10_000, hardStopPercent: 100 });
    const d = engine.admit(call());
    expect(d.ok && d.maxOutputTokens).toBe(9000);
    const next = engine.admit(call());
    expect(!next.ok && next.message).toMatch(/has 0 tokens left before its stop at 10k tokens \(10k tokens of it held by requests in flight\); this request needs at least 2.0k tokens \(its input and 1,024 output tokens\)/);
  });
});

describe('streams reserved at what they usually produce', () => {
  const metered = (inputTokens: number, outputTokens: number): MeteredUsage => ({
    usage: { inputTokens, outputTokens },
    responseModel: null,
    reportedCostUsd: null,
    complete: false,
    textChars: 0,
  });

  it('holds input and min(asked, 4,096) before there is history, then the 95th percentile of recent outputs', () => {
    const { engine, call, record } = setup();
    engine.create({ name: 'big', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 100, hardStopPercent: 100 });
    const first = engine.admit(call({ stream: true }));
    expect(engine.list()[0]!.reservedUsd).toBeCloseTo(1000 * IN + 4096 * OUT, 12);
    if (first.ok) first.ticket.release();
    // Two parallel 64k Opus streams hold $0.65, not $9.60.
    const a = engine.admit(call({ stream: true }));
    const b = engine.admit(call({ stream: true }));
    expect(engine.list()[0]!.reservedUsd).toBeCloseTo(2 * (1000 * IN + 4096 * OUT), 12);
    for (const d of [a, b]) if (d.ok) d.ticket.release();
    // History: 20 calls of 100..2,000 output tokens; the 95th percentile is 1,900.
    for (let i = 1; i <= 20; i++) {
      const input = call({ stream: true });
      const d = engine.admit(input);
      if (d.ok) d.ticket.settle(record(input, 0, i * 100));
    }
    const spent = engine.list()[0]!.spentUsd;
    expect(spent).toBe(0);
    const c = engine.admit(call({ stream: true }));
    expect(engine.list()[0]!.reservedUsd).toBeCloseTo(1000 * IN + 1900 * OUT, 12);
    // Another key has its own history.
    const other = engine.admit(call({ stream: true, keyId: 'k2' }));
    expect(engine.list()[0]!.reservedUsd).toBeCloseTo(2 * 1000 * IN + (1900 + 4096) * OUT, 12);
    for (const d of [c, other]) if (d.ok) d.ticket.release();
    expect(engine.list()[0]!.reservedUsd).toBeCloseTo(0, 12);
  });

  it('strict budgets hold the worst case for streams too', () => {
    const { engine, call } = setup();
    engine.create({ name: 'strict', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 100, hardStopPercent: 100, admission: 'strict' });
    engine.admit(call({ stream: true }));
    expect(engine.list()[0]!.reservedUsd).toBeCloseTo(1000 * IN + 64_000 * OUT, 12);
    let field: unknown = null;
    try {
      engine.create({ name: 'x', period: { kind: 'day' }, limitUsd: 1, admission: 'loose' });
    } catch (e) {
      field = (e as { field?: string }).field;
    }
    expect(field).toBe('admission');
  });

  it('a stream is ended while the room can no longer take the next step of every live stream', () => {
    const { engine, call } = setup();
    engine.create({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 1, hardStopPercent: 100 });
    const a = engine.admit(call({ stream: true }));
    const b = engine.admit(call({ stream: true }));
    if (!a.ok || !b.ok) throw new Error('not admitted');
    // Each step is 2,000 output tokens ($0.15); each stream's input is $0.015.
    expect(a.ticket.progress(metered(1000, 2000))).toBeNull();
    expect(b.ticket.progress(metered(1000, 2000))).toBeNull();
    expect(a.ticket.progress(metered(1000, 4000))).toBeNull();
    // Produced: $0.63; the next steps of both: $0.30. $0.93 fits.
    expect(b.ticket.progress(metered(1000, 4000))).toBeNull();
    // a at 6,000: produced $0.78, both next steps $0.30: $1.08 would not fit, though the books are under the stop.
    expect(a.ticket.progress(metered(1000, 6000))).toMatch(/Tollgate ended this stream: it would carry budget "daily" past its hard stop \(\$1\.00\)/);
    a.ticket.release();
    // Alone, b has room for its next steps: produced $0.39 and a step of $0.075.
    expect(b.ticket.progress(metered(1000, 5000))).toBeNull();
    b.ticket.release();
    expect(engine.list()[0]!.reservedUsd).toBeCloseTo(0, 12);
  });

  it('a stream is ended when its running cost passes the room, not only past its own hold', () => {
    const { engine, call } = setup();
    engine.create({ name: 'daily', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitUsd: 1, hardStopPercent: 100 });
    const a = engine.admit(call({ stream: true }));
    const b = engine.admit(call({ stream: true }));
    if (!a.ok || !b.ok) throw new Error('not admitted');
    // 1,000 input tokens at $15/M (metered, uncached) = $0.015 each.
    expect(a.ticket.progress(metered(1000, 6000))).toBeNull();
    // a: $0.465. b at 7,000 tokens: $0.54, together $1.005 — past the $1.00 stop though b is within neither hold alone.
    expect(b.ticket.progress(metered(1000, 7000))).toMatch(/Tollgate ended this stream: it would carry budget "daily" past its hard stop \(\$1\.00\)/);
    // The hold grew with the running cost, so admission sees it.
    expect(engine.list()[0]!.reservedUsd).toBeCloseTo(0.015 + 6000 * OUT + 0.015 + 7000 * OUT, 9);
    a.ticket.release();
    b.ticket.release();
    expect(engine.list()[0]!.reservedUsd).toBeCloseTo(0, 12);
  });

  it("a stream's checks count its own figures, not those of the stream before it on the same budgets", () => {
    const { engine, call, record } = setup();
    engine.create({ name: 'tokens', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitTokens: 20_000, hardStopPercent: 100 });
    // x stays in flight throughout, so the counter's stream sums are never cleared by its last call ending.
    const x = engine.admit(call({ stream: true }));
    const first = call({ stream: true });
    const a = engine.admit(first);
    if (!x.ok || !a.ok) throw new Error('not admitted');
    expect(a.ticket.progress(metered(1000, 6000))).toBeNull();
    a.ticket.settle(record(first, 0, 6000)); // 6,010 tokens spent
    const b = engine.admit(call({ stream: true }));
    if (!b.ok) throw new Error('not admitted');
    // b's own 12,000 tokens and the 6,010 spent fit under 20,000; at 14,000 they do not. Had b started from a's
    // live 7,000 tokens, it would count 7,000 fewer and run on.
    expect(b.ticket.progress(metered(1000, 11_000))).toBeNull();
    expect(b.ticket.progress(metered(1000, 13_000))).toMatch(/Tollgate ended this stream: it would carry budget "tokens" past its hard stop/);
    b.ticket.release();
    x.ticket.release();
    expect(engine.list()[0]!.reservedTokens).toBe(0);
  });

  it('a stream in flight checks against the counter its budget has after an edit, not the one it started on', () => {
    const { engine, call, spend } = setup();
    const b = engine.create({ name: 'tokens', scope: { provider: 'anthropic' }, period: { kind: 'day' }, limitTokens: 20_000, hardStopPercent: 100 });
    spend(0, { max: 1 }); // 11 tokens
    const s = engine.admit(call({ stream: true }));
    if (!s.ok) throw new Error('not admitted');
    expect(s.ticket.progress(metered(1000, 2000))).toBeNull();
    for (let i = 0; i < 8; i++) spend(0, { max: 1 }); // the old counter: 99 tokens spent
    // A new period starts the budget on a fresh counter (nothing spent in it yet), holding the stream's reservation.
    engine.update(b.id, { limitTokens: 20_000, period: { kind: 'week' } });
    // 19,990 tokens: the stream alone fits under the new counter; with the old counter's spend it would not.
    expect(s.ticket.progress(metered(1000, 18_990))).toBeNull();
    expect(s.ticket.progress(metered(1000, 19_100))).toMatch(/Tollgate ended this stream: it would carry budget "tokens" past its hard stop/);
    s.ticket.release();
    expect(engine.list()[0]!.reservedTokens).toBe(0);
  });
});
