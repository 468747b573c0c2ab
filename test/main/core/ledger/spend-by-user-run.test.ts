import { describe, expect, it } from 'vitest';
import type { RequestRecord, RollupRow } from '../../../../src/main/contract/usage.js';
import { createLedgerApi } from '../../../../src/main/core/ledger/api.js';
import { createLedger } from '../../../../src/main/core/ledger/ledger.js';
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
    project: 'web',
    user: null,
    run: null,
    status: 200,
    stream: false,
    usage: { inputTokens: 100, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 50, reasoningTokens: 0 },
    costUsd: 0.25,
    pricedModel: 'gpt-4o-mini',
    priceSource: 'x',
    flags: [],
    ...p,
  };
}

/** A rollup row as versions before user and run were kept stored it: no user, no run field at all. */
function oldRow(day: string, project: string, costUsd: number, requests: number): Omit<RollupRow, 'user' | 'run'> {
  return {
    day,
    provider: 'openai',
    keyId: 'fp_a',
    model: 'gpt-4o-mini',
    project,
    requests,
    errors: 0,
    partial: 0,
    unpricedRequests: 0,
    inputTokens: 10 * requests,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 5 * requests,
    reasoningTokens: 0,
    costUsd,
  };
}

function setup(initial?: unknown) {
  const dropped: number[] = [];
  const ledger = createLedger({ dayKey: createDayKeyer(() => 'UTC'), recentLimit: () => 5, initial, onChange: () => {}, onDropped: (c) => dropped.push(c) });
  return { ledger, api: createLedgerApi({ ledger }), dropped };
}

describe('spend by user and by run', () => {
  it('rolls up per user and per run, and spend.query groups and filters by them', async () => {
    const { ledger, api } = setup();
    for (let i = 0; i < 4; i++) ledger.record(rec({ user: 'ana', run: 'run-1' }));
    for (let i = 0; i < 3; i++) ledger.record(rec({ user: 'ana', run: 'run-2', costUsd: 0.5 }));
    for (let i = 0; i < 2; i++) ledger.record(rec({ user: 'bo', run: null, costUsd: 1 }));
    ledger.record(rec({ user: null, run: null, costUsd: 0.125 }));
    // Five records kept in the ring, ten counted: the figures below come from the rollups, not the ring.
    expect(ledger.recent({ limit: 100 })).toHaveLength(5);

    const byUser = await api['spend.query']({ groupBy: ['user'] });
    const users = Object.fromEntries(byUser.rows.map((r) => [String(r.user), [r.requests, r.costUsd]]));
    expect(users).toEqual({ ana: [7, 2.5], bo: [2, 2], null: [1, 0.125] });
    expect(byUser.totals.costUsd).toBe(4.625);

    const byRun = await api['spend.query']({ groupBy: ['run'], user: 'ana' });
    expect(byRun.rows.map((r) => [r.run, r.requests, r.costUsd]).sort()).toEqual([
      ['run-1', 4, 1],
      ['run-2', 3, 1.5],
    ]);
    expect(byRun.totals.requests).toBe(7);

    const oneRun = await api['spend.query']({ groupBy: ['day', 'user'], run: 'run-2' });
    expect(oneRun.rows).toHaveLength(1);
    expect(oneRun.rows[0]).toMatchObject({ day: '2026-11-28', user: 'ana', requests: 3, costUsd: 1.5, inputTokens: 300, outputTokens: 150 });
  });

  it('loads rollups stored without user or run, counts them as no user and no run, and adds new ones beside them', async () => {
    const stored = { version: 1, recent: [], rollups: [oldRow('2026-11-27', 'web', 3, 6), oldRow('2026-11-28', 'web', 1, 2)] };
    const { ledger, api, dropped } = setup(JSON.parse(JSON.stringify(stored)));
    expect(dropped).toEqual([]);
    ledger.record(rec({ user: 'ana', run: 'run-9' }));

    const byUser = await api['spend.query']({ groupBy: ['user'] });
    expect(byUser.rows.map((r) => [r.user, r.requests, r.costUsd]).sort()).toEqual([
      [null, 8, 4],
      ['ana', 1, 0.25],
    ]);
    const byProject = await api['spend.query']({ groupBy: ['project'] });
    expect(byProject.rows).toEqual([expect.objectContaining({ project: 'web', requests: 9, costUsd: 4.25 })]);
    const onlyAna = await api['spend.query']({ user: 'ana', groupBy: [] });
    expect(onlyAna.totals.requests).toBe(1);

    // The same key with the new fields written out survives a save and a load with the same figures.
    const again = setup(JSON.parse(JSON.stringify(ledger.snapshot())));
    const reRun = await again.api['spend.query']({ groupBy: ['run'] });
    expect(reRun.rows.map((r) => [r.run, r.requests]).sort()).toEqual([
      [null, 8],
      ['run-9', 1],
    ]);
  });

  it('rejects a user or run that is not text, and an unknown dimension', async () => {
    const { api } = setup();
    await expect(api['spend.query']({ groupBy: ['team' as never] })).rejects.toMatchObject({ field: 'groupBy[0]' });
    await expect(api['spend.query']({ user: 5 as never })).rejects.toMatchObject({ field: 'user' });
  });
});
