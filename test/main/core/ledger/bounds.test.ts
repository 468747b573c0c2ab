import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { boundRecord } from '../../../../src/main/core/ledger/bounds.js';
import { createLedger } from '../../../../src/main/core/ledger/ledger.js';
import { createDayKeyer } from '../../../../src/main/core/time/zoned.js';

function rec(p: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: 'r1',
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
    usage: { inputTokens: 10, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 5, reasoningTokens: 0 },
    costUsd: 0.01,
    pricedModel: 'gpt-4o-mini',
    priceSource: 'x',
    flags: [],
    ...p,
  };
}

describe('what enters the ledger is bounded', () => {
  it('cuts every stored string to its bound and flags the record; a record within bounds is unchanged', () => {
    const big = 'x'.repeat(1_000_000);
    const r = boundRecord(rec({ model: big, responseModel: big, project: big, user: big, run: big, keyLabel: big, note: big }));
    for (const v of [r.model, r.responseModel, r.project, r.user, r.run, r.keyLabel]) expect(v!.length).toBe(200);
    expect(r.note!.length).toBe(1000);
    expect(r.flags).toEqual(['truncated']);
    expect(boundRecord(rec())).toEqual(rec());
  });

  it('never splits a surrogate pair', () => {
    const r = boundRecord(rec({ project: `${'a'.repeat(199)}😀tail` }));
    expect(r.project).toBe('a'.repeat(199));
    expect(JSON.parse(JSON.stringify(r.project))).toBe(r.project);
  });

  it('non-finite or negative numbers become 0 (or unpriced) and are flagged, so totals stay finite', () => {
    const r = boundRecord(rec({ usage: { inputTokens: Infinity, cacheReadTokens: NaN, cacheWrite5mTokens: -1, cacheWrite1hTokens: 0, outputTokens: 5, reasoningTokens: 0 }, costUsd: Infinity }));
    expect(r.usage).toMatchObject({ inputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, outputTokens: 5 });
    expect(r.costUsd).toBeNull();
    expect(r.flags).toEqual(['implausible-usage']);
  });

  it('records and rollup keys are bounded at record time and when a stored file is loaded', () => {
    const dayKey = createDayKeyer(() => 'UTC');
    const ledger = createLedger({ dayKey, recentLimit: () => 10, onChange: () => {} });
    const seen: RequestRecord[] = [];
    const withEvents = createLedger({ dayKey, recentLimit: () => 10, onChange: () => {}, onRecord: (r) => seen.push(r) });
    ledger.record(rec({ model: 'm'.repeat(5000) }));
    withEvents.record(rec({ model: 'm'.repeat(5000) }));
    expect(ledger.recent()[0]!.model.length).toBe(200);
    expect(ledger.rollups()[0]!.model.length).toBe(200);
    expect(seen[0]!.model.length).toBe(200);
    // A file written before the bound: two rows whose keys collide once cut are merged, totals kept.
    const row = { ...ledger.rollups()[0]!, model: `${'m'.repeat(200)}a`, requests: 2, costUsd: 1 };
    const row2 = { ...row, model: `${'m'.repeat(200)}b`, requests: 3, costUsd: 2 };
    const loaded = createLedger({ dayKey, recentLimit: () => 10, onChange: () => {}, initial: { version: 1, recent: [rec({ project: 'p'.repeat(300) })], rollups: [row, row2] } });
    expect(loaded.rollups()).toHaveLength(1);
    expect(loaded.rollups()[0]).toMatchObject({ model: 'm'.repeat(200), requests: 5, costUsd: 3 });
    expect(loaded.recent()[0]!.project!.length).toBe(200);
  });
});
