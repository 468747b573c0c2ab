/**
 * The desktop app's history export (history.saveExport, the channel its window calls over IPC): through a real
 * core and its real history database, into real files. The save dialog is the one part faked (the Electron
 * binary is not here); it is a function from a suggested name to a path, as the app's adapter is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { saveExport } from '../../../../src/main/core/history/export.js';
import { startFakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, tempDir } from '../../../support/harness.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function chat(url: string, input: number): Promise<string> {
  const res = await fetch(`${url}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer sk-save-export-0000',
      'content-type': 'application/json',
      'x-fake': JSON.stringify({ usage: { prompt_tokens: input, completion_tokens: 5, total_tokens: input + 5 } }),
    },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  return res.headers.get('x-tollgate-request-id')!;
}

/** A record as the history stores it (ascending times, as the export reads them). */
function record(i: number): RequestRecord {
  return {
    id: `req_${i}`,
    ts: Date.UTC(2026, 0, 1) + i * 1000,
    durationMs: 120,
    ttfbMs: 30,
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    keyId: 'key_a',
    keyLabel: 'tg_…a',
    project: `project-${i % 7}`,
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

describe('history.saveExport', () => {
  it('writes the file the dialog chose, the same bytes the HTTP download streams; a cancelled dialog writes nothing', async () => {
    const up = await startFakeUpstream();
    stops.push(() => up.close());
    const out = tempDir('tg-save-export-');
    const asked: string[] = [];
    let answer: string | null = path.join(out, 'history.csv');
    const tg = await startTollgate({ upstream: up.url, core: { chooseExportFile: async (name) => (asked.push(name), answer) } });
    stops.push(() => tg.stop());
    const ids: string[] = [];
    for (let i = 1; i <= 8; i++) ids.push(await chat(tg.url, i * 100));

    const saved = await tg.core.api['history.saveExport']({ format: 'csv' });
    expect(saved.file).toBe(path.join(out, 'history.csv'));
    expect(asked).toEqual(['tollgate-history-start-to-now.csv']);
    const text = fs.readFileSync(saved.file!, 'utf8');
    expect(saved.rows).toBe(8);
    expect(saved.bytes).toBe(Buffer.byteLength(text));
    const streamed = await (await fetch(`${tg.url}/api/history/export?format=csv`, { headers: { authorization: `Bearer ${tg.core.adminToken}` } })).text();
    expect(text).toBe(streamed);
    expect(text.trim().split('\r\n').slice(1).map((l) => l.split(',')[0])).toEqual(ids);

    answer = path.join(out, 'history.jsonl');
    const from = Date.now() - 60_000;
    const jsonl = await tg.core.api['history.saveExport']({ format: 'jsonl', from });
    expect(asked[1]).toBe(`tollgate-history-${new Date(from).toISOString().slice(0, 10)}-to-now.jsonl`);
    const recs = fs.readFileSync(jsonl.file!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string });
    expect(recs.map((r) => r.id)).toEqual(ids);

    answer = null;
    expect(await tg.core.api['history.saveExport']({ format: 'csv' })).toEqual({ file: null, rows: 0, bytes: 0 });
    expect(fs.readdirSync(out).sort()).toEqual(['history.csv', 'history.jsonl']);
  });

  it('streams: the file holds data while most records are still unread, and no more than a chunk waits in memory', async () => {
    const file = path.join(tempDir('tg-save-stream-'), 'big.csv');
    const part = `${file}.part-${process.pid}`;
    const TOTAL = 50_000;
    let onDiskAt: number | null = null;
    let maxUnwritten = 0;
    function* records() {
      for (let i = 0; i < TOTAL; i++) {
        const size = fs.existsSync(part) ? fs.statSync(part).size : 0;
        if (onDiskAt === null && size > 0) onDiskAt = i;
        yield record(i);
      }
    }
    // Bytes handed over but not yet on disk, sampled at each write: the writer's buffer, bounded by its chunks.
    const origWrite = fs.WriteStream.prototype.write;
    let handed = 0;
    fs.WriteStream.prototype.write = function (this: fs.WriteStream, chunk: unknown, ...rest: unknown[]) {
      if (this.path === part) {
        handed += Buffer.byteLength(chunk as string);
        maxUnwritten = Math.max(maxUnwritten, handed - this.bytesWritten);
      }
      return (origWrite as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof origWrite;
    let r;
    try {
      r = await saveExport(file, records(), { format: 'csv', dayKey: (ms) => new Date(ms).toISOString().slice(0, 10), keyName: () => 'A key' });
    } finally {
      fs.WriteStream.prototype.write = origWrite;
    }
    expect(r.rows).toBe(TOTAL);
    const size = fs.statSync(file).size;
    expect(r.bytes).toBe(size);
    expect(size).toBeGreaterThan(5_000_000);
    expect(onDiskAt).not.toBeNull();
    expect(onDiskAt!).toBeLessThan(TOTAL / 10);
    expect(maxUnwritten).toBeLessThan(200 * 1024);
    expect(fs.existsSync(part)).toBe(false);
    expect(fs.readFileSync(file, 'utf8').split('\r\n')[TOTAL]).toMatch(/^req_49999,/);
  });

  it('a failure leaves the chosen file as it was and no partial file behind', async () => {
    const dir = tempDir('tg-save-fail-');
    const file = path.join(dir, 'kept.csv');
    fs.writeFileSync(file, 'what was there before\n');
    function* failing() {
      for (let i = 0; i < 20_000; i++) {
        if (i === 15_000) throw new Error('the database went away');
        yield record(i);
      }
    }
    const o = { format: 'csv' as const, dayKey: () => '2026-01-01', keyName: () => null };
    await expect(saveExport(file, failing(), o)).rejects.toThrow('the database went away');
    expect(fs.readFileSync(file, 'utf8')).toBe('what was there before\n');
    expect(fs.readdirSync(dir)).toEqual(['kept.csv']);
    // A folder that does not exist: the open fails, and the error reaches the caller rather than the process.
    await expect(saveExport(path.join(dir, 'missing', 'x.csv'), [record(1)], o)).rejects.toThrow(/ENOENT/);
    expect(fs.readdirSync(dir)).toEqual(['kept.csv']);
  });
});
