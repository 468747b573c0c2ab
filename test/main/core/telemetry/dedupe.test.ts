import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import type { TelemetryCall } from '../../../../src/main/core/telemetry/call.js';
import { createCrossSourceIndex } from '../../../../src/main/core/telemetry/dedupe.js';

const MIN = 60_000;
const usage = (input: number, output: number) => ({ inputTokens: input, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: output, reasoningTokens: 0 });

function record(n: number, ts: number, extra: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: `r${n}`, ts, durationMs: 10, ttfbMs: 5, provider: 'anthropic', operation: 'messages', model: 'claude-sonnet-4-5', responseModel: null,
    keyId: 'k', keyLabel: 'k', project: null, user: null, run: null, status: 200, stream: false, usage: usage(100 + n, 10),
    costUsd: 0.001, pricedModel: 'claude-sonnet-4-5', priceSource: 'test', flags: [], upstreamId: `msg_${n}`, ...extra,
  };
}
function event(n: number, ts: number, requestId: string | null = null): TelemetryCall {
  return { tool: 'claude-code', provider: 'anthropic', operation: 'messages', ts, model: 'claude-sonnet-4-5', usage: usage(100 + n, 10), costUsd: null, user: null, session: 's', requestId, dedupeKey: `e${n}`, subscription: null };
}

describe('cross-source index', () => {
  it('holds nothing until a tool exports telemetry, then matches calls recorded before the first event', () => {
    let now = 1_000_000_000;
    const stored: RequestRecord[] = [];
    const index = createCrossSourceIndex({ now: () => now, latest: (limit) => stored.slice(-limit) });
    for (let i = 0; i < 50; i++) {
      const r = record(i, now);
      stored.push(r);
      index.note(r);
    }
    // A machine whose tools never export pays nothing per proxied call.
    expect(index.size()).toBe(0);
    now += MIN;
    // The first event starts the index from the latest records: its own call is already among them.
    expect(index.claim(event(7, now))).toBe(true);
    expect(index.size()).toBe(50);
    // Each recorded call matches one event at most; an id match works as well as the token match.
    expect(index.claim(event(7, now))).toBe(false);
    expect(index.claim(event(999, now, 'msg_8'))).toBe(true);
    expect(index.claim(event(999, now, 'msg_8'))).toBe(false);
    // Calls recorded after the index started are indexed as they come.
    const later = record(60, now);
    index.note(later);
    expect(index.claim(event(60, now + 2 * MIN))).toBe(true);
    // Token matches hold only within minutes of the call.
    index.note(record(61, now));
    expect(index.claim(event(61, now + 10 * MIN))).toBe(false);
  });

  it('keeps half an hour of calls, and drops the index after a day without telemetry', () => {
    let now = 5_000_000_000;
    const index = createCrossSourceIndex({ now: () => now, latest: () => [] });
    expect(index.claim(event(0, now))).toBe(false);
    for (let i = 0; i < 100; i++) index.note(record(i, now));
    expect(index.size()).toBe(100);
    now += 31 * MIN;
    index.note(record(100, now));
    // The hundred older calls expired: only the last one is held.
    expect(index.size()).toBe(1);
    expect(index.claim(event(5, now, 'msg_5'))).toBe(false);
    expect(index.lastEventAt()).toBe(now);
    now += 25 * 60 * MIN;
    index.note(record(101, now));
    expect(index.size()).toBe(0);
  });

  it('after a restart, keeps indexing for a tool that exported within the day', () => {
    const now = 9_000_000_000;
    const stored = [record(1, now - 2 * MIN), record(2, now - 40 * MIN)];
    const index = createCrossSourceIndex({ now: () => now, latest: () => stored, lastEventAt: now - 3 * 60 * MIN });
    // Started at once: only the call within the last half hour.
    expect(index.size()).toBe(1);
    index.note(record(3, now));
    expect(index.size()).toBe(2);
    const stale = createCrossSourceIndex({ now: () => now, latest: () => stored, lastEventAt: now - 48 * 60 * MIN });
    stale.note(record(3, now));
    expect(stale.size()).toBe(0);
  });
});
