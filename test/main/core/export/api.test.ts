import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, type Tollgate } from '../../../support/harness.js';
import { parseCsv } from '../../../support/csv.js';
import type { CsvExport } from '../../../../src/main/contract/api.js';
import { createExportApi, IN_MEMORY_EXPORT_MAX, type ExportDeps } from '../../../../src/main/core/export/api.js';
import { ValidationError } from '../../../../src/main/core/util/validation.js';

describe('CSV export over the admin API', () => {
  let upstream: FakeUpstream;
  let tg: Tollgate;
  let keyId: string;
  let secret: string;
  const today = () => new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    tg = await startTollgate({ upstream: upstream.url });
    await tg.admin('settings.update', { timezone: 'UTC', recentLimit: 10 });
    const created = await tg.admin<{ key: { id: string }; secret: string }>('keys.create', {
      name: 'Reports, "Q4"',
      provider: 'openai',
      providerKey: 'sk-test-export-1234',
    });
    keyId = created.body.data!.key.id;
    secret = created.body.data!.secret;
    const send = (model: string) =>
      fetch(`${tg.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      }).then((r) => r.text());
    for (let i = 0; i < 8; i++) await send('gpt-4o-mini');
    for (let i = 0; i < 4; i++) await send('gpt-4o');
  });

  afterAll(async () => {
    await tg?.stop();
    await upstream?.close();
  });

  it('exports rollups with the key name and the same totals spend.query reports', async () => {
    const r = await tg.admin<CsvExport>('export.rollups', { from: today(), to: today() });
    expect(r.status).toBe(200);
    const out = r.body.data!;
    expect(out.filename).toBe(`tollgate-rollups-${today()}.csv`);
    const rows = parseCsv(out.csv);
    expect(rows).toHaveLength(2);
    expect(out.rows).toBe(2);
    const mini = rows.find((x) => x.model === 'gpt-4o-mini')!;
    expect(mini).toMatchObject({ day: today(), provider: 'openai', key_id: keyId, key_name: 'Reports, "Q4"', requests: '8' });
    const spend = await tg.admin<{ rows: { model: string; costUsd: number; inputTokens: number }[] }>('spend.query', {
      from: today(),
      to: today(),
      groupBy: ['model'],
    });
    const expected = spend.body.data!.rows.find((x) => x.model === 'gpt-4o-mini')!;
    expect(Number(mini.cost_usd)).toBeCloseTo(expected.costUsd, 6);
    expect(Number(mini.input_tokens)).toBe(expected.inputTokens);
    expect(expected.costUsd).toBeGreaterThan(0);
  });

  it('groups rollups by the columns asked for, in a fixed order', async () => {
    const r = await tg.admin<CsvExport>('export.rollups', { from: today(), to: today(), groupBy: ['model', 'day'] });
    const header = r.body.data!.csv.split('\r\n')[0]!.split(',');
    expect(header.slice(0, 2)).toEqual(['day', 'model']);
    expect(parseCsv(r.body.data!.csv).map((x) => x.model).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });

  it('exports every request of the range from the history, not only the recent ones', async () => {
    const r = await tg.admin<CsvExport>('export.requests', { from: today(), to: today() });
    const out = r.body.data!;
    const rows = parseCsv(out.csv);
    // recentLimit is 10 and 12 requests were made: the ring lacks the two oldest, the history has all of them.
    expect(rows).toHaveLength(12);
    expect(out.missing).toBe(0);
    expect(out.note).toBeNull();
    expect(rows.map((x) => x.model).filter((m) => m === 'gpt-4o')).toHaveLength(4);
    // Oldest first, so the file reads as a log.
    const times = rows.map((x) => Date.parse(x.time_utc!));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(rows[0]).toMatchObject({ key_id: keyId, status: '200', provider: 'openai', operation: expect.any(String) });
    expect(Number(rows[0]!.cost_usd)).toBeGreaterThan(0);
  });

  it('returns an empty file for a range without traffic', async () => {
    const r = await tg.admin<CsvExport>('export.requests', { from: '2020-01-01', to: '2020-01-31' });
    expect(r.body.data).toMatchObject({ rows: 0, missing: 0, note: null });
    expect(r.body.data!.csv.split('\r\n').filter(Boolean)).toHaveLength(1);
  });

  it('names the field at fault for bad ranges', async () => {
    const bad = await tg.admin('export.rollups', { from: '2026-02-01', to: '2026-01-01' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid', field: 'from' });
    const missing = await tg.admin('export.requests', { from: '2026-01-01' });
    expect(missing.body.error?.field).toBe('to');
    const tooLong = await tg.admin('export.rollups', { from: '2020-01-01', to: '2026-01-01' });
    expect(tooLong.body.error?.field).toBe('to');
    const dim = await tg.admin('export.rollups', { from: '2026-01-01', to: '2026-01-02', groupBy: ['colour'] });
    expect(dim.body.error?.field).toBe('groupBy[0]');
  });
});

describe('export.requests as one answer (IPC)', () => {
  // In-process, as the app's IPC calls it: the admin API streams this channel, IPC gets one string.
  const api = (requests: number) => {
    let searched = 0;
    const a = createExportApi({
      ledger: { rollups: () => [{ requests }], recent: () => [] } as unknown as ExportDeps['ledger'],
      keys: { list: () => [] },
      dayKey: (ms) => new Date(ms).toISOString().slice(0, 10),
      history: {
        search: () => {
          searched++;
          return { records: [], next: null };
        },
      },
    });
    return { a, searched: () => searched };
  };

  it('builds a range within the bound', async () => {
    const { a, searched } = api(IN_MEMORY_EXPORT_MAX);
    const r = await a['export.requests']({ from: '2026-11-01', to: '2026-11-30' });
    expect(r.rows).toBe(0);
    expect(searched()).toBeGreaterThan(0);
  });

  it('refuses a larger range before reading a record, and names the streamed ways', async () => {
    const { a, searched } = api(IN_MEMORY_EXPORT_MAX + 1);
    const err = await a['export.requests']({ from: '2026-11-01', to: '2026-11-30' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('to');
    expect((err as Error).message).toContain(`${IN_MEMORY_EXPORT_MAX + 1} requests`);
    expect((err as Error).message).toContain('history.saveExport');
    expect(searched()).toBe(0);
  });
});
