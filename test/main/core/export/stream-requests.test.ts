/**
 * export.requests as the admin HTTP API streams it (export/stream-requests.ts): the same answer as the channel
 * builds in memory, and a client that does not read holds the export back instead of the server building it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord, RollupRow } from '../../../../src/main/contract/usage.js';
import { createExportApi } from '../../../../src/main/core/export/api.js';
import { createRequestsExportStream } from '../../../../src/main/core/export/stream-requests.js';
import type { HistoryQuery } from '../../../../src/main/core/history/search.js';

const DAY0 = Date.UTC(2026, 0, 1);
const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

/** One record a second from the start of 2026-01-01; names with quotes, commas, a newline and non-Latin text. */
function record(i: number): RequestRecord {
  return {
    id: `req_${i}`,
    ts: DAY0 + i * 1000,
    durationMs: 120,
    ttfbMs: 30,
    provider: 'openai',
    operation: 'chat',
    model: i % 3 ? 'gpt-4o-mini' : 'a "quoted", model\nname — 模型',
    responseModel: 'gpt-4o-mini-2024-07-18',
    keyId: `key_${i % 2}`,
    keyLabel: 'tg_…a',
    project: `=project-${i % 7}`,
    user: null,
    run: null,
    status: 200,
    stream: false,
    usage: { inputTokens: 1000 + i, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 50, reasoningTokens: 0 },
    costUsd: 0.0002,
    pricedModel: 'gpt-4o-mini',
    priceSource: 'genai-prices@0.1.8',
    flags: [],
  };
}

/** A history of `total` records, made page by page as searched (keyset paging on the index); counts them. */
function fakeHistory(total: number) {
  const h = {
    made: 0,
    search(q: HistoryQuery) {
      const start = q.cursor ? Number(q.cursor) : Math.max(0, Math.ceil(((q.from ?? DAY0) - DAY0) / 1000));
      const end = Math.min(total, start + (q.limit ?? 100));
      const records: RequestRecord[] = [];
      for (let i = start; i < end; i++) records.push(record(i));
      h.made += records.length;
      return { records, next: end < total ? String(end) : null };
    },
  };
  return h;
}

const ledger = (requests: number) => ({
  rollups: (): RollupRow[] => [{ day: '2026-01-01', requests } as RollupRow],
  recent: () => [],
});
const keyName = (id: string) => (id === 'key_0' ? 'Reports, "Q4"' : null);
const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function serve(handler: (input: unknown, res: http.ServerResponse) => Promise<void>, input: unknown) {
  const server = http.createServer((_req, res) => void handler(input, res).catch(() => res.destroy()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  stops.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('export.requests streamed over HTTP', () => {
  it('answers exactly what the channel builds in memory, with the missing count after the rows', async () => {
    const history = fakeHistory(3000);
    const range = { from: '2026-01-01', to: '2026-01-01' };
    const built = await createExportApi({ ledger: ledger(3010) as never, keys: { list: () => [{ id: 'key_0', name: 'Reports, "Q4"' } as never] }, dayKey, history })['export.requests'](range);
    const url = await serve(createRequestsExportStream({ ledger: ledger(3010), history, keyName, dayKey }), range);
    const body = (await (await fetch(url)).json()) as { ok: boolean; data: unknown };
    expect(body).toEqual({ ok: true, data: built });
    expect(built.rows).toBe(3000);
    expect(built.missing).toBe(10);
  });

  it('refuses a bad range before writing anything', async () => {
    const stream = createRequestsExportStream({ ledger: ledger(0), history: fakeHistory(0), keyName, dayKey });
    await expect(stream({ from: '2026-01-02', to: '2026-01-01' }, {} as http.ServerResponse)).rejects.toThrow(/from/);
  });

  it('reads the history only as fast as the client takes the answer', async () => {
    // 80,000 records, about 14 MB of answer: far more than the sockets' buffers hold.
    const total = 80_000;
    const history = fakeHistory(total);
    const range = { from: '2026-01-01', to: '2026-01-01' };
    const url = await serve(createRequestsExportStream({ ledger: ledger(total), history, keyName, dayKey }), range);
    const { port } = new URL(url);
    // A client that reads the head and then stops reading.
    const req = http.get({ host: '127.0.0.1', port, path: '/' });
    const res = await new Promise<http.IncomingMessage>((r) => req.once('response', r));
    res.pause();
    // Until the history stops being read: the server is waiting for the client.
    let last = -1;
    while (history.made !== last) {
      last = history.made;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(history.made).toBeLessThan(total / 2);
    // Reading on, the rest comes, and the whole answer is the export.
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.resume();
    await new Promise((r) => res.once('end', r));
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { rows: number; csv: string; missing: number } };
    expect(body.data.rows).toBe(total);
    expect(body.data.missing).toBe(0);
    expect(history.made).toBe(total);
  });
});
