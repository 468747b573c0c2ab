import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { openJournal, readJournal, SEGMENT_SUFFIX } from '../../../../src/main/core/history/journal.js';
import { tempDir } from '../../../support/harness.js';

function rec(i: number, over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: `req_j${i}`, ts: Date.UTC(2026, 10, 30, 8) + i, durationMs: 100, ttfbMs: 20, provider: 'openai', operation: 'chat', model: 'm',
    responseModel: null, keyId: 'key_1', keyLabel: 'tg_…', project: null, user: null, run: null, status: 200, stream: false,
    usage: { inputTokens: 100 + i, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 10, reasoningTokens: 0 },
    costUsd: i / 1e6, pricedModel: 'm', priceSource: 'test', flags: [],
    ...over,
  };
}

afterEach(() => vi.restoreAllMocks());

describe('the journal', () => {
  it('keeps text of several bytes a character as it was, and counts its size in bytes', async () => {
    const file = path.join(tempDir('tg-journal-'), 'history.sqlite-pending');
    const j = openJournal(file)!;
    const wide = [rec(1, { note: 'naïve — 日本語 🚀' }), rec(2, { project: 'équipe' })];
    expect(j.write(wide.map((r, i) => ({ seq: i + 1, r })))).toBe(true);
    expect(j.write([{ seq: 3, r: rec(3) }])).toBe(true);
    expect(readJournal(file)).toEqual([...wide, rec(3)].map((r, i) => ({ seq: i + 1, r })));
    // seal() goes by the size written: the other segment takes new records now, this one waits for its release.
    const sealed = j.seal();
    expect(sealed).not.toBeNull();
    j.write([{ seq: 4, r: rec(4) }]);
    expect(fs.readFileSync(file + SEGMENT_SUFFIX, 'utf8')).toContain('req_j4');
    j.release(sealed!);
    // Emptied in the background (journal.ts truncateInBackground).
    const t0 = Date.now();
    while (fs.readFileSync(file, 'utf8') !== '' && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 5));
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    j.close();
  });

  it('writes the rest of a line the file took only part of', () => {
    const file = path.join(tempDir('tg-journal-'), 'history.sqlite-pending');
    const j = openJournal(file)!;
    const real = fs.writeSync;
    let calls = 0;
    // The first write takes 7 bytes of the text (a signal, a nearly full disk); the next ones whatever they are given.
    vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: string | Buffer, ...rest: unknown[]) => {
      if (calls++ === 0) return real(fd, Buffer.from(data as string).subarray(0, 7));
      return (real as (...a: unknown[]) => number)(fd, data, ...rest);
    }) as typeof fs.writeSync);
    const r = rec(1, { note: '日本語' });
    expect(j.write([{ seq: 1, r }])).toBe(true);
    expect(calls).toBeGreaterThan(1);
    vi.restoreAllMocks();
    expect(j.write([{ seq: 2, r: rec(2) }])).toBe(true);
    expect(readJournal(file)).toEqual([{ seq: 1, r }, { seq: 2, r: rec(2) }]);
    j.close();
  });

  it('cuts off what a failed write left, so the next line starts clean', () => {
    const file = path.join(tempDir('tg-journal-'), 'history.sqlite-pending');
    const j = openJournal(file)!;
    expect(j.write([{ seq: 1, r: rec(1, { note: 'é' }) }])).toBe(true);
    const real = fs.writeSync;
    let calls = 0;
    vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: string | Buffer) => {
      if (calls++ === 0) return real(fd, Buffer.from(data as string).subarray(0, 9));
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }) as typeof fs.writeSync);
    expect(j.write([{ seq: 2, r: rec(2) }])).toBe(false);
    vi.restoreAllMocks();
    expect(j.write([{ seq: 3, r: rec(3) }])).toBe(true);
    expect(readJournal(file).map((q) => q.seq)).toEqual([1, 3]);
    j.close();
  });
  it('empties both segments on clear() without truncating on the event loop, and keeps what is written meanwhile', async () => {
    const file = path.join(tempDir('tg-journal-'), 'history.sqlite-pending');
    const j = openJournal(file)!;
    expect(j.write([1, 2, 3].map((i) => ({ seq: i, r: rec(i) })))).toBe(true);
    const sync = vi.spyOn(fs, 'ftruncateSync');
    j.clear();
    expect(sync).not.toHaveBeenCalled();
    // Written while the first segment is being emptied: it goes to the other one, which nothing truncates.
    expect(j.write([{ seq: 4, r: rec(4) }])).toBe(true);
    const t0 = Date.now();
    while (fs.readFileSync(file, 'utf8') !== '' && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 5));
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    expect(readJournal(file)).toEqual([{ seq: 4, r: rec(4) }]);
    // The truncation's callback, which marks the segment empty, runs on the loop's next turn for I/O.
    await new Promise((r) => setTimeout(r, 20));
    // Cleared again with the first one empty: the second is emptied in the background too.
    j.clear();
    expect(sync).not.toHaveBeenCalled();
    while (fs.readFileSync(file + SEGMENT_SUFFIX, 'utf8') !== '' && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 5));
    expect(readJournal(file)).toEqual([]);
    j.close();
  });
  it('landed() resolves once the background writes made before it are on disk, not before', async () => {
    const file = path.join(tempDir('tg-journal-'), 'history.sqlite-pending');
    const j = openJournal(file)!;
    await j.landed();
    const real = fs.write;
    let landedAt = 0;
    // Each background write's completion is held back 50 ms, as a busy disk would.
    vi.spyOn(fs, 'write').mockImplementation(((...a: unknown[]) => {
      const cb = a.pop() as (...r: unknown[]) => void;
      (real as (...x: unknown[]) => void)(...a, (...r: unknown[]) => setTimeout(() => ((landedAt = performance.now()), cb(...r)), 50));
    }) as typeof fs.write);
    expect(j.write([{ seq: 1, r: rec(1, { source: 'logs' }) }], true)).toBe(true);
    const t0 = performance.now();
    await j.landed();
    expect(landedAt).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    expect(readJournal(file).map((q) => q.seq)).toEqual([1]);
    vi.restoreAllMocks();
    j.close();
  });
});
