/**
 * Reconciliation per day × key × model: what passed through the proxy (ledger rollups) against what the provider
 * reports, with the difference called out as spend Tollgate did not see.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { comparableModel } from '../../../../src/main/core/polling/reconciliation.js';
import { createUsageFixture, DAY, HOUR, NOW, type UsageFixture } from '../../../support/usage-fixture.js';

let fx: UsageFixture;
afterEach(() => fx?.close());

// $1 per million input tokens, $2 per million output: reported figures come out round.
const overrides = [{ provider: 'openai', model: 'gpt-4o-mini*', inputPerMTok: 1, outputPerMTok: 2 }];
const direct = 'sk-proj-' + 'Z'.repeat(40) + 'wxyz';

async function setup(timezone = 'UTC') {
  fx = await createUsageFixture({ overrides, timezone });
  const fp = fx.keys.identify(direct, 'openai', false, NOW - 2 * DAY)!.id;
  fx.fake.openai.projects = [
    {
      id: 'proj_1',
      name: 'Web',
      keys: [
        { id: 'key_a', name: 'ci', redacted_value: 'sk-proj-ZZZ...wxyz' },
        { id: 'key_b', name: 'nightly', redacted_value: 'sk-proj-...9999' },
      ],
    },
  ];
  fx.fake.openai.calls = [
    // 2026-01-14: key_a went through Tollgate in full.
    { at: NOW - DAY - 2 * HOUR, apiKeyId: 'key_a', model: 'gpt-4o-mini-2024-07-18', uncached: 500_000, requests: 5 },
    // 2026-01-15: key_a spent $0.30, of which Tollgate saw $0.10.
    { at: NOW - 3 * HOUR, apiKeyId: 'key_a', model: 'gpt-4o-mini-2024-07-18', uncached: 300_000, requests: 3 },
    // 2026-01-15: key_b, a teammate's key, never went through Tollgate: $2.00.
    { at: NOW - 2 * HOUR, apiKeyId: 'key_b', model: 'gpt-4o-mini-2024-07-18', uncached: 1_000_000, output: 500_000, requests: 20 },
  ];
  fx.observe({ ts: NOW - DAY - 2 * HOUR, provider: 'openai', keyId: fp, model: 'gpt-4o-mini', costUsd: 0.5 });
  fx.observe({ ts: NOW - 3 * HOUR, provider: 'openai', keyId: fp, model: 'gpt-4o-mini', costUsd: 0.1 });
  // Anthropic traffic has no connection: nothing to compare it with, so it stays out.
  fx.observe({ ts: NOW - 3 * HOUR, provider: 'anthropic', keyId: 'fp_other', model: 'claude-haiku-4-5', costUsd: 0.7 });
  await fx.polling.api['usage.connections.save']({ provider: 'openai', name: 'Acme org', adminKey: fx.fake.openai.adminKey });
  await fx.advance(0);
  return fp;
}

describe('reconciliation', () => {
  it('compares observed and reported spend per day, key and model, and calls out what Tollgate did not see', async () => {
    const fp = await setup();
    const r = await fx.polling.api['usage.reconciliation']({ from: '2026-01-14', to: '2026-01-15' });
    const row = (day: string, keyId: string) => r.rows.find((x) => x.day === day && x.keyId === keyId)!;
    expect(r.rows).toHaveLength(3);

    expect(row('2026-01-15', 'openai:key_b')).toMatchObject({ keyName: 'nightly', model: 'gpt-4o-mini-2024-07-18', observedUsd: 0, observedRequests: 0, asOf: NOW });
    expect(row('2026-01-15', 'openai:key_b').reportedUsd).toBeCloseTo(2, 10);
    expect(row('2026-01-15', 'openai:key_b').unseenUsd).toBeCloseTo(2, 10);
    expect(row('2026-01-15', 'openai:key_b').note).toBe('$2.00 reported by OpenAI never passed through Tollgate');

    // The dated id the provider reports and the alias the client asked for are one model.
    const partly = row('2026-01-15', fp);
    expect(partly).toMatchObject({ keyName: 'ci', model: 'gpt-4o-mini', observedUsd: 0.1, observedRequests: 1 });
    expect(partly.reportedUsd).toBeCloseTo(0.3, 10);
    expect(partly.unseenUsd).toBeCloseTo(0.2, 10);
    expect(partly.note).toBe('$0.20 more reported by OpenAI than passed through Tollgate');

    const full = row('2026-01-14', fp);
    expect(full.reportedUsd).toBeCloseTo(0.5, 10);
    expect(full).toMatchObject({ observedUsd: 0.5, unseenUsd: 0, note: 'matches' });

    expect(r.totals.observedUsd).toBeCloseTo(0.6, 10);
    expect(r.totals.reportedUsd).toBeCloseTo(2.8, 10);
    expect(r.totals.unseenUsd).toBeCloseTo(2.2, 10);
    expect(r.summary).toBe('Providers reported $2.20 from 2026-01-14 to 2026-01-15 that did not pass through Tollgate, on 2 keys: nightly, ci.');
    expect(r.coverage).toEqual([expect.objectContaining({ provider: 'openai', name: 'Acme org', asOf: NOW, coveredFrom: NOW - 32 * DAY })]);
    // Largest unseen spend first.
    expect(r.rows[0]!.keyId).toBe('openai:key_b');
  });

  it('says when Tollgate saw more than the provider reports yet, with the "as of"', async () => {
    const fp = await setup();
    fx.observe({ ts: NOW - 10 * 60_000, provider: 'openai', keyId: fp, model: 'gpt-4o-mini', costUsd: 0.4 });
    const r = await fx.polling.api['usage.reconciliation']({ from: '2026-01-15', to: '2026-01-15' });
    const row = r.rows.find((x) => x.keyId === fp)!;
    expect(row.observedUsd).toBeCloseTo(0.5, 10);
    expect(row.unseenUsd).toBe(0);
    expect(row.differenceUsd).toBeCloseTo(-0.2, 10);
    expect(row.note).toBe('Tollgate saw $0.20 more than OpenAI reports as of 2026-01-15 12:00 UTC; provider figures lag');
  });

  it('puts hourly buckets on the local day of the configured time zone', async () => {
    await setup('America/New_York');
    // 2026-01-15 09:00 UTC is 04:00 in New York; 2026-01-14 10:00 UTC is 05:00 there. Both stay on their days,
    // but a bucket at 02:00 UTC belongs to the day before in New York.
    fx.fake.openai.calls.push({ at: Date.UTC(2026, 0, 15, 2, 30), apiKeyId: 'key_b', model: 'gpt-4o-mini', uncached: 100_000, requests: 1 });
    await fx.advance(5 * 60_000);
    const r = await fx.polling.api['usage.reconciliation']({ from: '2026-01-14', to: '2026-01-14' });
    const b = r.rows.find((x) => x.keyId === 'openai:key_b')!;
    expect(b.day).toBe('2026-01-14');
    expect(b.reportedUsd).toBeCloseTo(0.1, 10);
  });

  it('splits an hourly bucket that crosses midnight in a half-hour zone between the two days', async () => {
    await setup('Asia/Kolkata');
    // Midnight of 2026-01-15 in Kolkata is 2026-01-14 18:30 UTC: the 18:00–19:00 UTC bucket is half on each day.
    fx.fake.openai.calls.push({ at: Date.UTC(2026, 0, 14, 18, 10), apiKeyId: 'key_b', model: 'gpt-4o-mini', uncached: 100_000, requests: 1 });
    await fx.advance(5 * 60_000);
    const r = await fx.polling.api['usage.reconciliation']({ from: '2026-01-14', to: '2026-01-15' });
    const b = (day: string) => r.rows.find((x) => x.keyId === 'openai:key_b' && x.day === day)!;
    expect(b('2026-01-14').reportedUsd).toBeCloseTo(0.05, 10);
    // The 15th also holds the $2.00 call at 10:00 UTC.
    expect(b('2026-01-15').reportedUsd).toBeCloseTo(2.05, 10);
  });

  it('marks days before the polled window as not covered rather than unseen', async () => {
    const fp = await setup();
    fx.observe({ ts: NOW - 40 * DAY, provider: 'openai', keyId: fp, model: 'gpt-4o-mini', costUsd: 3 });
    const r = await fx.polling.api['usage.reconciliation']({ from: '2025-12-01', to: '2025-12-10' });
    expect(r.rows).toEqual([expect.objectContaining({ day: '2025-12-06', reportedUsd: null, unseenUsd: 0, note: 'no OpenAI data for this day' })]);
    expect(r.summary).toBe('Everything the providers reported from 2025-12-01 to 2025-12-10 passed through Tollgate.');
  });

  it('validates its days, naming the field', async () => {
    await setup();
    await expect(fx.polling.api['usage.reconciliation']({ from: '15/01/2026' })).rejects.toMatchObject({ field: 'from' });
    await expect(fx.polling.api['usage.reconciliation']({ from: '2026-01-15', to: '2026-01-01' })).rejects.toMatchObject({ field: 'from' });
  });

  it('compares undated model names', () => {
    expect(comparableModel('gpt-4o-mini-2024-07-18')).toBe('gpt-4o-mini');
    expect(comparableModel('claude-sonnet-4-20250514')).toBe('claude-sonnet-4');
    expect(comparableModel('gpt-5')).toBe('gpt-5');
  });
});
