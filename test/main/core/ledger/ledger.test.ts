import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { createLedger } from '../../../../src/main/core/ledger/ledger.js';
import { groupRollups } from '../../../../src/main/core/ledger/rollups.js';
import { createDayKeyer } from '../../../../src/main/core/time/zoned.js';

let n = 0;
function rec(p: Partial<RequestRecord>): RequestRecord {
  return {
    id: `r${++n}`,
    ts: Date.UTC(2026, 10, 28, 12),
    durationMs: 1,
    ttfbMs: 1,
    provider: 'openai',
    operation: 'chat.completions',
    model: 'gpt-4o-mini',
    responseModel: null,
    keyId: 'fp_a',
    keyLabel: 'sk-…a',
    project: null,
    user: null,
    run: null,
    status: 200,
    stream: false,
    usage: { inputTokens: 10, cacheReadTokens: 2, cacheWrite5mTokens: 1, cacheWrite1hTokens: 1, outputTokens: 5, reasoningTokens: 1 },
    costUsd: 0.01,
    pricedModel: 'gpt-4o-mini',
    priceSource: 'x',
    flags: [],
    ...p,
  };
}

describe('ledger', () => {
  it('keeps recent records in a bounded ring, newest first', () => {
    let limit = 5;
    const ledger = createLedger({ dayKey: createDayKeyer(() => 'UTC'), recentLimit: () => limit, onChange: () => {} });
    for (let i = 0; i < 12; i++) ledger.record(rec({ id: `x${i}` }));
    expect(ledger.size.recent).toBe(5);
    expect(ledger.recent().map((r) => r.id)).toEqual(['x11', 'x10', 'x9', 'x8', 'x7']);
    limit = 3;
    ledger.record(rec({ id: 'y' }));
    expect(ledger.recent().map((r) => r.id)).toEqual(['y', 'x11', 'x10']);
    expect(ledger.snapshot().recent.map((r) => r.id)).toEqual(['x10', 'x11', 'y']);
  });

  it('rolls up per day × provider × key × model × project; totals stay exact however many requests pass', () => {
    const ledger = createLedger({ dayKey: createDayKeyer(() => 'UTC'), recentLimit: () => 10, onChange: () => {} });
    for (let i = 0; i < 1000; i++) ledger.record(rec({ keyId: i % 2 ? 'fp_a' : 'fp_b', costUsd: 0.001 }));
    ledger.record(rec({ costUsd: null, flags: ['unpriced'] }));
    ledger.record(rec({ ts: Date.UTC(2026, 10, 29, 1), flags: ['error', 'partial'] }));
    expect(ledger.size.recent).toBe(10);
    const rows = ledger.rollups();
    expect(rows).toHaveLength(3);
    const byKey = groupRollups(rows, ['keyId']);
    const a = byKey.find((g) => g.keyId === 'fp_a')!;
    expect(a.requests).toBe(502);
    expect(a.unpricedRequests).toBe(1);
    expect(a.costUsd).toBeCloseTo(0.5 + 0.01, 9);
    expect(ledger.rollups('2026-11-29')).toHaveLength(1);
    expect(ledger.rollups('2026-11-29')[0]).toMatchObject({ errors: 1, partial: 1, inputTokens: 10, cacheWrite1hTokens: 1, reasoningTokens: 1 });
  });

  it('files a request under the day of the configured time zone', () => {
    let tz = 'UTC';
    const ledger = createLedger({ dayKey: createDayKeyer(() => tz), recentLimit: () => 10, onChange: () => {} });
    const late = Date.UTC(2026, 10, 28, 23, 30);
    ledger.record(rec({ ts: late }));
    tz = 'Europe/Berlin';
    ledger.record(rec({ ts: late }));
    expect(ledger.rollups().map((r) => r.day).sort()).toEqual(['2026-11-28', '2026-11-29']);
  });

  it('filters recent records', () => {
    const ledger = createLedger({ dayKey: createDayKeyer(() => 'UTC'), recentLimit: () => 10, onChange: () => {} });
    ledger.record(rec({ id: 'a', model: 'm1', flags: ['blocked'] }));
    ledger.record(rec({ id: 'b', model: 'm2', keyId: 'k2' }));
    expect(ledger.recent({ model: 'm1' }).map((r) => r.id)).toEqual(['a']);
    expect(ledger.recent({ flag: 'blocked' }).map((r) => r.id)).toEqual(['a']);
    expect(ledger.recent({ keyId: 'k2' }).map((r) => r.id)).toEqual(['b']);
  });
});
