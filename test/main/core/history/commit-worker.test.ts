import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { createNames, encodeNamed } from '../../../../src/main/core/history/codec.js';
import { createCommitWorker } from '../../../../src/main/core/history/commit-worker.js';
import { openDb } from '../../../../src/main/core/history/db.js';
import { createHistory, type History } from '../../../../src/main/core/history/history.js';
import { JOURNAL_SUFFIX, openJournal, readJournal, SEGMENT_SUFFIX } from '../../../../src/main/core/history/journal.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';
import { createSilentLogger } from '../../../../src/main/core/util/log.js';
import { tempDir } from '../../../support/harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rec(i: number, over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: `req_w${i}`, ts: Date.UTC(2026, 10, 30, 8) + i, durationMs: 100, ttfbMs: 20, provider: 'openai', operation: 'chat', model: `m${i % 3}`,
    responseModel: null, keyId: `key_${i % 2}`, keyLabel: 'tg_…', project: i % 2 ? 'web' : null, user: null, run: null, status: 200, stream: false,
    usage: { inputTokens: 100 + i, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 10, reasoningTokens: 0 },
    costUsd: i / 1e6, pricedModel: `m${i % 3}`, priceSource: 'test', flags: [],
    ...over,
  };
}

let open: History[] = [];
afterEach(() => {
  for (const h of open) h.stop();
  open = [];
});

describe('history commits on a worker thread', () => {
  it('commits the rows it is sent, numbering names in the same table as the main connection, which reads them', () => {
    const file = path.join(tempDir('tg-cw-'), 'history.sqlite');
    const main = openDb(file);
    // A name the main connection numbered first, and names only the worker will see.
    const web = main.names.id('web');
    const w = createCommitWorker({ file, log: createSilentLogger(), autocheckpoint: () => 1000 });
    const results: (Error | 'lost' | null)[] = [];
    expect(w.post([0, 1, 2].map((i) => encodeNamed(i + 1, rec(i))), (r) => results.push(r))).toBe(true);
    expect(w.post([3, 4].map((i) => encodeNamed(i + 1, rec(i))), (r) => results.push(r))).toBe(true);
    expect(w.inFlight).toBe(2);
    w.wait();
    expect(results).toEqual([null, null]);
    expect(w.inFlight).toBe(0);
    const rows = main.db.prepare('SELECT seq, model, project FROM requests ORDER BY seq').all() as { seq: number; model: number; project: number | null }[];
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[1]!.project).toBe(web);
    // The main connection's cache had never seen m1 or m2: it finds them in the table.
    expect(rows.map((r) => main.names.text(r.model))).toEqual(['m0', 'm1', 'm2', 'm0', 'm1']);
    expect(main.names.find('m2')).toBe(rows[2]!.model);
    expect(createNames(main.db).find('nobody')).toBeUndefined();
    w.stop();
    main.db.close();
  });

  it('leaves when idle and starts again with the next batch; stop() waits for its connection to close', async () => {
    const file = path.join(tempDir('tg-cw-'), 'history.sqlite');
    const main = openDb(file);
    const w = createCommitWorker({ file, log: createSilentLogger(), autocheckpoint: () => 0, idleMs: 100 });
    const results: (Error | 'lost' | null)[] = [];
    w.post([encodeNamed(1, rec(1))], (r) => results.push(r));
    w.wait();
    await sleep(300);
    w.post([encodeNamed(2, rec(2))], (r) => results.push(r));
    w.wait();
    expect(results).toEqual([null, null]);
    w.stop();
    // Every other connection closed: this one can leave WAL mode, which needs the only one.
    expect(main.db.pragma('journal_mode = DELETE', { simple: true })).toBe('delete');
    expect((main.db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n).toBe(2);
    main.db.close();
  });

  it('a worker that cannot start hands every batch back as lost, warns once, and takes no more', async () => {
    const file = path.join(tempDir('tg-cw-'), 'history.sqlite');
    openDb(file).db.close();
    const log = createSilentLogger();
    const w = createCommitWorker({ file, log, autocheckpoint: () => 0, sqliteModule: path.join(path.dirname(file), 'no-such-module.js') });
    const results: (Error | 'lost' | null)[] = [];
    w.post([encodeNamed(1, rec(1))], (r) => results.push(r));
    // A read waiting for it does not wait long: the worker says it broke.
    const t0 = Date.now();
    w.wait();
    for (let i = 0; i < 40 && results.length === 0; i++) await sleep(50);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(results).toEqual(['lost']);
    expect(w.working).toBe(false);
    expect(w.post([encodeNamed(2, rec(2))], () => results.push(null))).toBe(false);
    await sleep(100);
    expect(log.lines.filter((l) => l.includes('commits in the background stopped'))).toHaveLength(1);
    w.stop();
  });

  it('a commit the database refuses is queued, reported, and written once it can be; the journal keeps it meanwhile', async () => {
    const dir = tempDir('tg-cw-');
    const file = path.join(dir, 'history.sqlite');
    const h = createHistory({ file, clock: createManualClock(), log: createSilentLogger(), retentionDays: () => 90 });
    open.push(h);
    h.append(rec(0));
    await new Promise<void>((r) => h.afterWrite(r));
    h.search({});
    // Every insert now fails, from the worker's connection as from the main one.
    const other = new Database(file);
    other.exec(`CREATE TRIGGER refuse BEFORE INSERT ON requests BEGIN SELECT RAISE(ABORT, 'refused for the test'); END`);
    for (let i = 1; i < 6; i++) h.append(rec(i));
    await new Promise<void>((r) => h.afterWrite(r));
    for (let i = 0; i < 40 && h.queued === 0; i++) await sleep(50);
    expect(h.queued).toBe(5);
    expect(h.problems().join()).toMatch(/refused for the test/);
    // Still counted by a replay, and still in the journal should the process die now.
    expect([...h.since(0)].map((x) => x.r.id)).toEqual(['req_w0', 'req_w1', 'req_w2', 'req_w3', 'req_w4', 'req_w5']);
    expect(readJournal(file + JOURNAL_SUFFIX).map((q) => q.seq)).toEqual([2, 3, 4, 5, 6]);
    other.exec('DROP TRIGGER refuse');
    other.close();
    h.tick();
    expect(h.queued).toBe(0);
    expect(h.problems()).toEqual([]);
    expect(h.search({}).records).toHaveLength(6);
    expect(readJournal(file + JOURNAL_SUFFIX)).toEqual([]);
  });

  it('appends faster than the worker commits wait for it past a few thousand records, so memory stays bounded', async () => {
    const file = path.join(tempDir('tg-cw-'), 'history.sqlite');
    const h = createHistory({ file, clock: createManualClock(), log: createSilentLogger(), retentionDays: () => 90 });
    open.push(h);
    // One tick's worth, far more than the worker can have committed by the end of it (it is not even started).
    for (let i = 0; i < 20_000; i++) h.append(rec(i));
    await new Promise<void>((r) => h.afterWrite(r));
    const reader = new Database(file, { readonly: true });
    const committed = (reader.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
    reader.close();
    // At most the backlog (4,096) and the chunk being committed (512) are not yet in the database.
    expect(committed).toBeGreaterThanOrEqual(20_000 - 4096 - 512);
  });

  it('room() resolves once the worker has committed all but a few chunks: a bulk writer paces itself on it', async () => {
    const file = path.join(tempDir('tg-cw-'), 'history.sqlite');
    const h = createHistory({ file, clock: createManualClock(), log: createSilentLogger(), retentionDays: () => 90 });
    open.push(h);
    // Under the backlog that makes appends wait (4,096), over the one room() waits for (1,024).
    for (let i = 0; i < 3000; i++) h.append(rec(i));
    let resolved = false;
    const room = h.room().then(() => (resolved = true));
    // Nothing is committed before the end of this tick: room() cannot have resolved yet.
    await Promise.resolve();
    expect(resolved).toBe(false);
    await room;
    const reader = new Database(file, { readonly: true });
    const count = () => (reader.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
    expect(count()).toBeGreaterThanOrEqual(3000 - 1024);
    // With little waiting, it resolves at once.
    await new Promise<void>((r) => h.afterWrite(r));
    h.search({ limit: 1 });
    let now = false;
    void h.room().then(() => (now = true));
    await Promise.resolve();
    expect(now).toBe(true);
    expect(count()).toBe(3000);
    reader.close();
  });

  it('without the worker (commitWorker: false) every record is committed on the main thread, as before', async () => {
    const file = path.join(tempDir('tg-cw-'), 'history.sqlite');
    const h = createHistory({ file, clock: createManualClock(), log: createSilentLogger(), retentionDays: () => 90, commitWorker: false });
    open.push(h);
    for (let i = 0; i < 300; i++) h.append(rec(i));
    await new Promise<void>((r) => h.afterWrite(r));
    // More than a commit's worth: the first 256 were committed at the end of the tick, on this thread.
    const reader = new Database(file, { readonly: true });
    expect((reader.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n).toBeGreaterThanOrEqual(256);
    reader.close();
    expect(h.search({ limit: 1000 }).records).toHaveLength(300);
  });
});

describe('the journal in two segments', () => {
  it('a sealed segment is emptied on its own, in the background, while the other takes new records; a restart reads both, in order', async () => {
    const file = path.join(tempDir('tg-cw-'), 'history.sqlite') + JOURNAL_SUFFIX;
    const j = openJournal(file)!;
    expect(j.write([1, 2].map((seq) => ({ seq, r: rec(seq) })))).toBe(true);
    const sealed = j.seal();
    expect(sealed).not.toBeNull();
    expect(j.write([3].map((seq) => ({ seq, r: rec(seq) })))).toBe(true);
    // A second seal before the first is released would mix two batches in one segment: refused.
    expect(j.seal()).toBeNull();
    expect(readJournal(file).map((q) => q.seq)).toEqual([1, 2, 3]);
    expect(fs.readFileSync(file + SEGMENT_SUFFIX, 'utf8')).toContain('req_w3');
    j.release(sealed!);
    // Until its truncation is done the released segment cannot take records again: no second seal yet.
    expect(j.seal()).toBeNull();
    const t0 = Date.now();
    while (readJournal(file).length > 1 && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 5));
    expect(readJournal(file).map((q) => q.seq)).toEqual([3]);
    // Once it is done, it can (seal() returns null, changing nothing, until then).
    let again: number | null = null;
    while ((again = j.seal()) === null && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 5));
    expect(again).not.toBeNull();
    j.write([{ seq: 4, r: rec(4) }]);
    // Emptied in the background too (journal.ts clear()).
    j.clear();
    while (readJournal(file).length > 0 && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 5));
    expect(readJournal(file)).toEqual([]);
    j.close();
  });

  it('a background write (records no answer waits for) leaves the event loop alone, lands, and outlives a close', async () => {
    const file = path.join(tempDir('tg-cw-'), 'history.sqlite') + JOURNAL_SUFFIX;
    const j = openJournal(file)!;
    const spy = vi.spyOn(fs, 'writeSync');
    try {
      expect(j.write([1, 2, 3].map((seq) => ({ seq, r: rec(seq, { source: 'logs' }) })), true)).toBe(true);
      expect(spy).not.toHaveBeenCalled();
      // Closed before it ran: the descriptor stays open for it, and the records land.
      j.close();
    } finally {
      spy.mockRestore();
    }
    const t0 = Date.now();
    while (readJournal(file).length < 3 && Date.now() - t0 < 2000) await sleep(5);
    expect(readJournal(file).map((q) => q.seq)).toEqual([1, 2, 3]);
  });

  it('the history journals a tick of imported records in the background, and any tick with a proxied one at once', async () => {
    const file = path.join(tempDir('tg-cw-'), 'history.sqlite');
    const h = createHistory({ file, clock: createManualClock(), log: createSilentLogger(), retentionDays: () => 90 });
    open.push(h);
    const spy = vi.spyOn(fs, 'writeSync');
    try {
      for (let i = 0; i < 50; i++) h.append(rec(i, { source: 'logs' }));
      await new Promise((r) => setImmediate(r));
      expect(spy).not.toHaveBeenCalled();
      for (let i = 50; i < 100; i++) h.append(rec(i, i === 70 ? {} : { source: 'logs' }));
      await new Promise((r) => setImmediate(r));
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    expect(h.search({ limit: 1000 }).records).toHaveLength(100);
  });
});
