import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import type { AlertNotification, Notifier } from '../../../../src/main/core/alerts/notifier.js';
import { parseCodexRateLimits } from '../../../../src/main/core/subscriptions/codex-limits.js';
import { createSubscriptions } from '../../../../src/main/core/subscriptions/subscriptions.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';

const H = 3600_000;
const T0 = Date.UTC(2026, 10, 23, 9, 0); // Mon 23 Nov 2026 09:00 UTC

function rec(ts: number, costUsd: number, tokens: number, tool = 'claude-code'): RequestRecord {
  return {
    id: `r${ts}`,
    ts,
    durationMs: 0,
    ttfbMs: null,
    provider: 'anthropic',
    operation: 'messages',
    model: 'claude-sonnet-5',
    responseModel: 'claude-sonnet-5',
    keyId: `logs:${tool}`,
    keyLabel: tool,
    project: '/p',
    user: null,
    run: null,
    status: 200,
    stream: true,
    usage: { inputTokens: tokens - 10, outputTokens: 10, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 },
    costUsd,
    pricedModel: 'claude-sonnet-5',
    priceSource: 'test',
    flags: [],
    source: 'logs',
    tool,
  };
}

function recorder(): Notifier & { shown: AlertNotification[] } {
  const shown: AlertNotification[] = [];
  return { name: 'recorder', shown, show: (n) => void shown.push(n) };
}

describe('Claude Code five-hour windows', () => {
  it('start at the hour of the first message, and a call after the window ends opens the next one', () => {
    const clock = createManualClock(T0 + 7 * H);
    const s = createSubscriptions({ clock, notifier: null, onChange: () => {} });
    // Window 1 starts 09:00 (first call 09:20); 13:59 is inside, 14:05 is past 09:00 + 5 h.
    s.observe(rec(T0 + 20 * 60_000, 1.25, 1000));
    s.observe(rec(T0 + 2 * H, 2.5, 2000));
    s.observe(rec(T0 + 4 * H + 59 * 60_000, 0.25, 300));
    s.observe(rec(T0 + 5 * H + 5 * 60_000, 4, 4000));
    s.observe(rec(T0 + 6 * H, 1, 500));
    s.observe(rec(T0 + 6 * H, 1, 500, 'codex')); // not Claude Code
    const v = s.view();
    expect(v.claude.recent.map((w) => [new Date(w.start).toISOString(), w.costUsd, w.tokens, w.calls])).toEqual([
      ['2026-11-23T14:00:00.000Z', 5, 4500, 2],
      ['2026-11-23T09:00:00.000Z', 4, 3300, 3],
    ]);
    expect(v.claude.current).toMatchObject({ start: T0 + 5 * H, end: T0 + 10 * H, costUsd: 5, timeLeftMs: 3 * H, percent: null });
    // The largest finished window is offered as the limit.
    expect(v.claude.suggestedLimitUsd).toBe(4);
    expect(v.claude.week).toEqual({ costUsd: 9, tokens: 7800, calls: 5 });
  });

  it('a call a day later opens its own window; no window runs once the last one ended', () => {
    const clock = createManualClock(T0 + 30 * H);
    const s = createSubscriptions({ clock, notifier: null, onChange: () => {} });
    s.observe(rec(T0, 1, 100));
    s.observe(rec(T0 + 24 * H + 30 * 60_000, 2, 100));
    const v = s.view();
    expect(v.claude.recent.map((w) => w.start)).toEqual([T0 + 24 * H, T0]);
    expect(v.claude.current).toBeNull();
  });

  it('weekly totals roll: calls older than seven days drop out', () => {
    const clock = createManualClock(T0 + 8 * 24 * H);
    const s = createSubscriptions({ clock, notifier: null, onChange: () => {} });
    s.observe(rec(T0 + 12 * H, 3, 300)); // 7.5 days ago: out
    s.observe(rec(T0 + 2 * 24 * H, 2, 200));
    s.observe(rec(T0 + 8 * 24 * H - H, 0.5, 50));
    expect(s.view().claude.week).toEqual({ costUsd: 2.5, tokens: 250, calls: 2 });
  });

  it('notifies at 50, 80 and 100% of the limit, once per tier per window', () => {
    const clock = createManualClock(T0 + H);
    const n = recorder();
    const s = createSubscriptions({ clock, notifier: n, onChange: () => {} });
    s.setLimit(10);
    s.observe(rec(T0 + 10 * 60_000, 4, 100));
    expect(n.shown).toHaveLength(0);
    s.observe(rec(T0 + 20 * 60_000, 1.5, 100)); // 55%
    s.observe(rec(T0 + 30 * 60_000, 0.1, 100)); // 56%: no repeat
    expect(n.shown.map((x) => x.title)).toEqual(['Claude Code: 50% of your five-hour window']);
    expect(n.shown[0]!.body).toMatch(/\$5\.50 of \$10\.00 in this window; it ends in 4 h 0 min/);
    s.observe(rec(T0 + 40 * 60_000, 5, 100)); // 106%: straight past 80 to 100, one notification
    s.observe(rec(T0 + 50 * 60_000, 1, 100));
    expect(n.shown.map((x) => x.title)).toEqual(['Claude Code: 50% of your five-hour window', 'Claude Code: 100% of your five-hour window']);
    expect(n.shown[1]!.critical).toBe(true);
    // The next window starts over.
    clock.set(T0 + 6 * H);
    s.observe(rec(T0 + 5 * H + 60_000, 6, 100));
    expect(n.shown.map((x) => x.title).at(-1)).toBe('Claude Code: 50% of your five-hour window');
    expect(n.shown).toHaveLength(3);
  });

  it('keeps its state across a restart, without firing again', () => {
    const clock = createManualClock(T0 + H);
    const n = recorder();
    const a = createSubscriptions({ clock, notifier: n, onChange: () => {} });
    a.setLimit(2);
    a.observe(rec(T0 + 60_000, 1.2, 100));
    const snap: unknown = JSON.parse(JSON.stringify(a.snapshot()));
    const b = createSubscriptions({ clock, notifier: n, initial: snap, onChange: () => {} });
    b.observe(rec(T0 + 2 * 60_000, 0.1, 100)); // 65%: 50 already fired
    expect(n.shown).toHaveLength(1);
    expect(b.view().claude).toMatchObject({ limitUsd: 2, current: { costUsd: 1.3, calls: 2 } });
  });
});

const codexLine = (ts: string, rl: unknown) =>
  JSON.stringify({ timestamp: ts, type: 'event_msg', payload: { type: 'token_count', info: null, rate_limits: rl } });

describe('Codex rate limits', () => {
  it('reads the percentages and reset times a rollout token_count carries', () => {
    const line = codexLine('2026-11-30T02:00:00.000Z', {
      limit_id: 'codex',
      limit_name: null,
      primary: { used_percent: 42.5, window_minutes: 300, resets_at: 1796010000 },
      secondary: { used_percent: 7.0, window_minutes: 10080, resets_at: 1796500000 },
      credits: { has_credits: false, unlimited: false, balance: null },
      plan_type: 'plus',
    });
    expect(parseCodexRateLimits(line)).toEqual({
      at: Date.parse('2026-11-30T02:00:00.000Z'),
      limitId: 'codex',
      planType: 'plus',
      primary: { usedPercent: 42.5, windowMinutes: 300, resetsAt: 1796010000_000 },
      secondary: { usedPercent: 7, windowMinutes: 10080, resetsAt: 1796500000_000 },
    });
  });

  it('ignores API-key sessions (null), empty windows and other lines', () => {
    expect(parseCodexRateLimits(codexLine('2026-11-30T02:00:00Z', null))).toBeNull();
    expect(parseCodexRateLimits(codexLine('2026-11-30T02:00:00Z', { primary: { used_percent: 0 }, secondary: null }))).toBeNull();
    expect(parseCodexRateLimits('{"type":"event_msg","payload":{"type":"agent_message","rate_limits":{}}}')).toBeNull();
    expect(parseCodexRateLimits('{"rate_limits": not json')).toBeNull();
  });

  it('keeps the latest figures, and notifies per tier once per window while the window runs', () => {
    const now = 1796000000_000;
    const clock = createManualClock(now);
    const n = recorder();
    const s = createSubscriptions({ clock, notifier: n, onChange: () => {} });
    const at = (pct: number, t: number, reset = 1796010000) =>
      parseCodexRateLimits(codexLine(new Date(t).toISOString(), { limit_id: 'codex', primary: { used_percent: pct, window_minutes: 300, resets_at: reset }, secondary: null }))!;
    s.observeCodex(at(55, now - 5000));
    s.observeCodex(at(60, now - 4000));
    s.observeCodex(at(30, now - 9000)); // an older line read later: ignored
    expect(s.view().codex?.primary?.usedPercent).toBe(60);
    s.observeCodex(at(81, now - 1000));
    expect(n.shown.map((x) => x.title)).toEqual(['Codex: 50% of your 5-hour limit', 'Codex: 80% of your 5-hour limit']);
    // A window that already reset is history: no notification.
    s.observeCodex(at(100, now, 1795990000));
    expect(n.shown).toHaveLength(2);
  });
});

describe('stored spend buckets', () => {
  it('a week of a call every 20 s is saved as five-minute buckets, and minute buckets saved by an older version fold into them', () => {
    const clock = createManualClock(T0 + 7 * 24 * H);
    const s = createSubscriptions({ clock, notifier: null, onChange: () => {} });
    let calls = 0;
    for (let t = T0 + 1; t < T0 + 7 * 24 * H; t += 20_000, calls++) s.observe(rec(t, 0.001, 100));
    const snap = s.snapshot();
    // 2,016 five-minute buckets, not 10,080 minutes; no call lost.
    expect(snap.buckets).toHaveLength(7 * 24 * 12);
    expect(snap.buckets.reduce((n, b) => n + b[3], 0)).toBe(calls);
    expect(JSON.stringify(snap).length).toBeLessThan(100_000);
    const windows = s.view().claude.recent.map((w) => [w.start, w.calls]);

    // The same calls as version 1 saved them, one bucket per minute: the same windows after loading.
    const minutes = new Map<number, [number, number, number, number]>();
    for (let t = T0 + 1; t < T0 + 7 * 24 * H; t += 20_000) {
      const m = Math.floor(t / 60_000) * 60_000;
      const b = minutes.get(m) ?? [m, 0, 0, 0];
      b[1] += 0.001;
      b[2] += 100;
      b[3] += 1;
      minutes.set(m, b);
    }
    const old = createSubscriptions({ clock, notifier: null, onChange: () => {}, initial: { version: 1, buckets: [...minutes.values()], limitUsd: null, largestUsd: null, codex: null, fired: [] } });
    expect(old.snapshot().buckets).toHaveLength(7 * 24 * 12);
    expect(old.view().claude.recent.map((w) => [w.start, w.calls])).toEqual(windows);
  });
});
