/**
 * The history through a real core and its HTTP API: requests proxied to a fake upstream are searchable at once,
 * the request export has all of them, the streamed export sends CSV and JSONL, and a core restarted on the same
 * folder counts, from the history, what its stored summary had not saved yet, once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryPageDto, SpendResult } from '../../../../src/main/contract/api.js';
import { createConfStore } from '../../../../src/main/core/store/conf-store.js';
import type { DocumentStore } from '../../../../src/main/core/store/document-store.js';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, tempDir, type Tollgate } from '../../../support/harness.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function chat(tg: Tollgate, project: string, input: number): Promise<string> {
  const res = await fetch(`${tg.url}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer sk-history-api-0000',
      'content-type': 'application/json',
      'x-tollgate-project': project,
      'x-fake': JSON.stringify({ usage: { prompt_tokens: input, completion_tokens: 5, total_tokens: input + 5 } }),
    },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  return res.headers.get('x-tollgate-request-id')!;
}

async function fake(): Promise<FakeUpstream> {
  const f = await startFakeUpstream();
  stops.push(() => f.close());
  return f;
}

describe('history through the core', () => {
  it('searches, sorts by cost, exports every request (channel and stream)', async () => {
    const up = await fake();
    const tg = await startTollgate({ upstream: up.url });
    stops.push(() => tg.stop());
    const ids: string[] = [];
    for (let i = 1; i <= 12; i++) ids.push(await chat(tg, i % 2 ? 'odd' : 'even', i * 1000));
    const page = (await tg.admin<HistoryPageDto>('history.search', { project: 'odd', limit: 4 })).body.data!;
    expect(page.records.map((r) => r.id)).toEqual([ids[10], ids[8], ids[6], ids[4]]);
    expect(page.next).not.toBeNull();
    const dear = (await tg.admin<HistoryPageDto>('history.search', { sort: 'cost', limit: 3 })).body.data!;
    expect(dear.records.map((r) => r.usage.inputTokens)).toEqual([12000, 11000, 10000]);

    const day = new Date().toISOString().slice(0, 10);
    const csv = (await tg.admin<{ rows: number; missing: number; csv: string }>('export.requests', { from: day, to: day })).body.data!;
    expect(csv.rows).toBe(12);
    expect(csv.missing).toBe(0);

    const auth = { authorization: `Bearer ${tg.core.adminToken}` };
    const streamed = await fetch(`${tg.url}/api/history/export?format=csv`, { headers: auth });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await streamed.text()).trim().split('\r\n');
    expect(lines[0]).toBe(csv.csv.split('\r\n')[0]);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(ids);
    const jsonl = await fetch(`${tg.url}/api/history/export?format=jsonl&from=${Date.now() - 60_000}`, { headers: auth });
    const recs = (await jsonl.text()).trim().split('\n').map((l) => JSON.parse(l) as { id: string });
    expect(recs.map((r) => r.id)).toEqual(ids);
    expect((await fetch(`${tg.url}/api/history/export?format=xml`, { headers: auth })).status).toBe(400);
    expect((await fetch(`${tg.url}/api/history/export`)).status).toBe(401);
  });

  it('a restart counts from the history what the stored summary had not saved, exactly once', async () => {
    const up = await fake();
    const dir = tempDir('tg-hist-core-');
    // A store that stops saving once the requests begin: the file keeps the state from before them, as after a
    // SIGKILL between two saves.
    const real = createConfStore(dir);
    let frozen = false;
    const store: DocumentStore = {
      ...real,
      path: real.path,
      problems: real.problems,
      load: () => real.load(),
      write(sections) {
        if (frozen) throw new Error('not saving (simulated crash)');
        real.write(sections);
      },
      // The timed flushes write in the background (conf-store.ts writeAsync): frozen too.
      async writeAsync(sections) {
        if (frozen) throw new Error('not saving (simulated crash)');
        await real.writeAsync!(sections);
      },
    };
    const first = await startTollgate({ upstream: up.url, dataDir: dir, core: { store } });
    first.core.flush();
    frozen = true;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await chat(first, 'restart', 100 + i));
    const spendOf = async (tg: Tollgate) => (await tg.admin<SpendResult>('spend.query', { project: 'restart' })).body.data!.totals;
    expect((await spendOf(first)).requests).toBe(6);
    await first.stop();

    const second = await startTollgate({ upstream: up.url, dataDir: dir });
    stops.push(() => second.stop());
    const totals = await spendOf(second);
    expect(totals.requests).toBe(6);
    expect(totals.inputTokens).toBe(100 + 101 + 102 + 103 + 104 + 105);
    second.core.flush();
    await second.stop();
    stops.pop();

    // A third start replays nothing more: the second saved the mark with the totals.
    const third = await startTollgate({ upstream: up.url, dataDir: dir });
    stops.push(() => third.stop());
    expect((await spendOf(third)).requests).toBe(6);
    const recent = (await third.admin<{ id: string }[]>('requests.recent', { limit: 100 })).body.data!.map((r) => r.id);
    expect(recent.slice().reverse()).toEqual(ids);
  });
});

