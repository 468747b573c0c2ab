import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { createHistory, type History } from '../../../../src/main/core/history/history.js';
import { JOURNAL_SUFFIX, readJournal } from '../../../../src/main/core/history/journal.js';
import { emptyRollup } from '../../../../src/main/core/ledger/rollups.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';
import { createSilentLogger } from '../../../../src/main/core/util/log.js';
import { tempDir } from '../../../support/harness.js';

const DAY = 86_400_000;

function rec(i: number, over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: `req_t${i}`,
    ts: Date.UTC(2026, 0, 15, 12) - i * 60_000,
    durationMs: 120 + i,
    ttfbMs: i % 2 ? null : 30,
    provider: i % 2 ? 'openai' : 'anthropic',
    operation: 'chat',
    model: `m${i % 3}`,
    responseModel: i % 3 ? `m${i % 3}-2026` : null,
    keyId: `key_${i % 4}`,
    keyLabel: `tg_…${i % 4}`,
    project: i % 5 ? `p${i % 5}` : null,
    user: i % 7 ? null : 'ana',
    run: i % 2 ? 'run-a' : null,
    status: i % 10 === 9 ? 529 : 200,
    stream: i % 2 === 0,
    usage: { inputTokens: 100 + i, cacheReadTokens: i, cacheWrite5mTokens: 1, cacheWrite1hTokens: 2, outputTokens: 10 * i, reasoningTokens: 3 },
    costUsd: i % 11 === 10 ? null : i / 1000,
    pricedModel: i % 11 === 10 ? null : `m${i % 3}`,
    priceSource: 'genai-prices@0.1.8',
    flags: i % 10 === 9 ? ['error'] : i % 11 === 10 ? ['unpriced'] : [],
    ...(i % 6 === 0 ? { note: `note ${i}`, upstreamId: `msg_${i}` } : {}),
    ...over,
  };
}

let open: History[] = [];
afterEach(() => {
  for (const h of open) h.stop();
  open = [];
});

function make(dir: string, over: Partial<Parameters<typeof createHistory>[0]> = {}) {
  const clock = createManualClock();
  const log = createSilentLogger();
  const h = createHistory({ file: path.join(dir, 'history.sqlite'), clock, log, retentionDays: () => 90, ...over });
  open.push(h);
  return { h, clock, log };
}

describe('history database', () => {
  it('keeps every field of a record and gives each append the next seq', () => {
    const { h } = make(tempDir('tg-hist-'));
    const recs = Array.from({ length: 40 }, (_, i) => rec(i, i === 3 ? { source: 'logs', tool: 'codex', session: 's1' } : {}));
    const seqs = recs.map((r) => h.append(r));
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const back = [...h.since(0)];
    expect(back.map((x) => x.seq)).toEqual(seqs);
    expect(back.map((x) => x.r)).toEqual(recs);
    expect([...h.since(35)].map((x) => x.r.id)).toEqual(['req_t35', 'req_t36', 'req_t37', 'req_t38', 'req_t39']);
  });

  it('tells the imported calls after a seq apart: by upstream id, or by session, time and tokens where there is none', () => {
    const { h } = make(tempDir('tg-hist-'));
    const logs = (i: number, over: Partial<RequestRecord>) => rec(i, { keyId: 'logs:codex', source: 'logs', tool: 'codex', ...over });
    h.append(logs(1, { upstreamId: 'resp_1', session: 's1' }));
    const cut = h.append(logs(2, { session: 's1' }));
    h.append(logs(3, { session: 's1', upstreamId: undefined }));
    h.append(logs(4, { keyId: 'logs:claude-code', tool: 'claude-code', upstreamId: 'msg_4', session: 's2' }));
    // A proxied call, and an imported one without a session: neither can be told apart this way.
    h.append(rec(5, { upstreamId: 'msg_5' }));
    h.append(logs(6, { upstreamId: undefined, session: undefined }));
    const r3 = logs(3, { session: 's1', upstreamId: undefined });
    const r4 = logs(4, { keyId: 'logs:claude-code', tool: 'claude-code', upstreamId: 'msg_4', session: 's2' });
    const r6 = logs(6, { upstreamId: undefined, session: undefined });
    const pick = (r: RequestRecord) => ({ upstreamId: r.upstreamId ?? null, ts: r.ts, inp: r.usage.inputTokens, outp: r.usage.outputTokens });
    const got = h.importedSince(cut, 'logs:');
    expect(got.map((c) => ({ upstreamId: c.upstreamId, ts: c.ts, inp: c.usage.inputTokens, outp: c.usage.outputTokens }))).toEqual([r3, r4, r6].map(pick));
    // The session is read (from the record's extra fields) only where there is no upstream id.
    expect(got.map((c) => c.session)).toEqual(['s1', null, null]);
    expect(h.importedSince(0, 'logs:codex').map((c) => c.upstreamId)).toEqual(['resp_1', null, null, null]);
  });

  it('durable() resolves once the records appended so far are on disk: this tick\'s group journaled, its background write landed', async () => {
    const { h } = make(tempDir('tg-hist-'), { commitWorker: false });
    const real = fs.write;
    let landedAt = 0;
    // The journal write of imported records goes to libuv's threads; its completion is held back 50 ms.
    vi.spyOn(fs, 'write').mockImplementation(((...a: unknown[]) => {
      const cb = a.pop() as (...r: unknown[]) => void;
      (real as (...x: unknown[]) => void)(...a, (...r: unknown[]) => setTimeout(() => ((landedAt = performance.now()), cb(...r)), 50));
    }) as typeof fs.write);
    try {
      h.append(rec(1, { source: 'logs', keyId: 'logs:claude-code' }));
      const t0 = performance.now();
      await h.durable();
      expect(landedAt).toBeGreaterThan(0);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
      // With nothing waiting, it resolves at once.
      const t1 = performance.now();
      await h.durable();
      expect(performance.now() - t1).toBeLessThan(45);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('searches by every filter, newest or dearest first, and pages without gaps or repeats', () => {
    const { h } = make(tempDir('tg-hist-'));
    const recs = Array.from({ length: 300 }, (_, i) => rec(i));
    for (const r of recs) h.append(r);
    const byTime = (a: RequestRecord, b: RequestRecord) => b.ts - a.ts;
    const check = (q: Parameters<History['search']>[0], keep: (r: RequestRecord) => boolean) => {
      const want = recs.filter(keep).sort(byTime).map((r) => r.id);
      const got: string[] = [];
      let cursor: string | undefined;
      do {
        const page = h.search({ ...q, limit: 7, cursor });
        got.push(...page.records.map((r) => r.id));
        cursor = page.next ?? undefined;
      } while (cursor);
      expect(got, JSON.stringify(q)).toEqual(want);
    };
    const t0 = Date.UTC(2026, 0, 15, 12);
    check({}, () => true);
    check({ keyId: 'key_2' }, (r) => r.keyId === 'key_2');
    check({ model: 'm1', project: 'p3' }, (r) => r.model === 'm1' && r.project === 'p3');
    check({ user: 'ana' }, (r) => r.user === 'ana');
    check({ run: 'run-a', provider: 'openai' }, (r) => r.run === 'run-a' && r.provider === 'openai');
    check({ flag: 'error' }, (r) => r.flags.includes('error'));
    check({ status: 529 }, (r) => r.status === 529);
    check({ minCostUsd: 0.25 }, (r) => r.costUsd !== null && r.costUsd >= 0.25);
    check({ from: t0 - 100 * 60_000, to: t0 - 50 * 60_000 }, (r) => r.ts >= t0 - 100 * 60_000 && r.ts < t0 - 50 * 60_000);
    check({ keyId: 'nobody' }, () => false);
    check({ flag: 'cut-off' }, () => false);

    // Dearest first, across pages, unpriced calls left out.
    const dear: string[] = [];
    let cursor: string | undefined;
    do {
      const page = h.search({ sort: 'cost', keyId: 'key_1', limit: 9, cursor });
      dear.push(...page.records.map((r) => r.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    const want = recs.filter((r) => r.keyId === 'key_1' && r.costUsd !== null).sort((a, b) => b.costUsd! - a.costUsd! || b.id.localeCompare(a.id));
    expect(dear.length).toBe(want.length);
    expect(dear.slice(0, 5)).toEqual(want.slice(0, 5).map((r) => r.id));
    expect(h.search({ sort: 'cost', limit: 3 }).records.map((r) => r.costUsd)).toEqual([0.299, 0.298, 0.297]);
  });

  it('archives day rollups per user and run, adding a late partial sum to the same row, never merging two users', () => {
    const { h } = make(tempDir('tg-hist-'));
    const row = (user: string | null, run: string | null, costUsd: number) => ({ ...emptyRollup('2026-01-02', 'openai', 'key_1', 'gpt-4o', 'web', user, run), requests: 1, costUsd });
    h.archiveRollups([row('ana', 'run-1', 1.5), row('bo', 'run-1', 2.25), row(null, null, 4)]);
    h.archiveRollups([row('ana', 'run-1', 0.5)]);
    const back = h.archivedRollups('2026-01-01', '2026-01-31');
    const by = (user: string | null) => back.find((r) => (r.user ?? null) === user)!;
    expect(back).toHaveLength(3);
    expect(by('ana')).toMatchObject({ run: 'run-1', requests: 2, costUsd: 2 });
    expect(by('bo')).toMatchObject({ run: 'run-1', requests: 1, costUsd: 2.25 });
    expect(by(null)).toMatchObject({ requests: 1, costUsd: 4 });
  });

  it('writes the records of one tick together, and calls back once they are written', async () => {
    const { h } = make(tempDir('tg-hist-'));
    let early = false;
    h.afterWrite(() => (early = true));
    // Nothing waits to be written: at once.
    expect(early).toBe(true);
    for (let i = 0; i < 20; i++) h.append(rec(i));
    const file = path.join(path.dirname(h.file), 'history.sqlite');
    const count = () => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const journal = () => readJournal(`${file}${JOURNAL_SUFFIX}`);
    // Not yet on disk: the group is written at the end of the tick, and the callback waits for it.
    expect(journal()).toHaveLength(0);
    const written = await new Promise<{ db: number; journal: number[] }>((resolve) => h.afterWrite(() => resolve({ db: count(), journal: journal().map((q) => q.seq) })));
    // On disk when the callback runs, in the journal (one write); the database takes them a moment later.
    expect(written).toEqual({ db: 0, journal: Array.from({ length: 20 }, (_, i) => i + 1) });
    // A moment: 50 ms, and the commit worker's start the first time (a second V8 isolate, longer on a busy machine).
    for (let i = 0; i < 60 && (count() < 20 || journal().length > 0); i++) await new Promise((r) => setTimeout(r, 50));
    expect(count()).toBe(20);
    expect(journal()).toHaveLength(0);
  });

  it('a process killed before the commit loses nothing it answered: the next start writes the journal to the database', async () => {
    const dir = tempDir('tg-hist-');
    const { h } = make(dir);
    for (let i = 0; i < 30; i++) h.append(rec(i));
    await new Promise<void>((r) => h.afterWrite(r));
    // The disk as a kill at this moment leaves it: the database and the journal, copied before the commit.
    const killed = tempDir('tg-hist-killed-');
    for (const name of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, name), path.join(killed, name));
    // A write cut short by the kill: its answer never ended, and it is skipped.
    fs.appendFileSync(path.join(killed, `history.sqlite${JOURNAL_SUFFIX}`), '[31,{"id":"req_torn"');
    const again = make(killed).h;
    const page = again.search({ limit: 100 });
    expect(page.records.map((r) => r.id).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `req_t${i}`).sort());
    // Numbering continues after them.
    expect(again.append(rec(99))).toBe(31);
  });

  it('continues numbering after the summary even when the database was lost', () => {
    const dir = tempDir('tg-hist-');
    const { h } = make(dir, { minSeq: 5000 });
    expect(h.append(rec(1))).toBe(5001);
    h.stop();
    open = [];
    const again = make(dir, { minSeq: 10 }).h;
    expect(again.append(rec(2))).toBe(5002);
  });

  it('moves a damaged file aside at start, says so, and starts a new one', () => {
    const dir = tempDir('tg-hist-');
    fs.writeFileSync(path.join(dir, 'history.sqlite'), Buffer.alloc(8192, 7));
    const { h } = make(dir);
    expect(h.problems().join()).toMatch(/was damaged .* moved aside as .*history\.sqlite\.corrupt-/);
    expect(h.append(rec(1))).toBe(1);
    expect(h.search({}).records.map((r) => r.id)).toEqual(['req_t1']);
    expect(fs.readdirSync(dir).filter((n) => n.includes('.corrupt-'))).toHaveLength(1);
  });

  it('a file deleted while running is written back from the open copy, nothing lost', () => {
    const dir = tempDir('tg-hist-');
    const file = path.join(dir, 'history.sqlite');
    const { h } = make(dir);
    for (let i = 0; i < 20; i++) h.append(rec(i));
    for (const s of ['', '-wal', '-shm']) fs.rmSync(file + s, { force: true });
    for (let i = 20; i < 25; i++) h.append(rec(i));
    h.tick();
    expect(fs.existsSync(file)).toBe(true);
    expect(h.problems().join()).toMatch(/was deleted while Tollgate was running; it was rewritten/);
    for (let i = 25; i < 30; i++) h.append(rec(i));
    h.stop();
    open = [];
    const again = make(dir).h;
    expect([...again.since(0)].map((x) => x.r.id)).toEqual(Array.from({ length: 30 }, (_, i) => `req_t${i}`));
  });

  it('a folder that refuses writes queues records in memory and writes them once it can', () => {
    const dir = tempDir('tg-hist-');
    // A file where the database's folder should be: every open fails, as on a missing or read-only mount.
    const blocked = path.join(dir, 'sub');
    fs.writeFileSync(blocked, 'not a folder');
    const { h } = make(dir, { file: path.join(blocked, 'history.sqlite') });
    expect(h.append(rec(1))).toBeGreaterThan(0);
    h.append(rec(2));
    expect(h.queued).toBe(2);
    expect(h.problems().join()).toMatch(/could not be opened/);
    // Still counted by a replay: recorded, only not yet written.
    expect([...h.since(0)].map((x) => x.r.id)).toEqual(['req_t1', 'req_t2']);
    fs.rmSync(blocked);
    fs.mkdirSync(blocked);
    h.tick();
    expect(h.queued).toBe(0);
    expect(h.problems()).toEqual([]);
    expect(h.search({}).records.map((r) => r.id).sort()).toEqual(['req_t1', 'req_t2']);
  });

  it('prunes past the retention in small batches, keeping newer rows', async () => {
    const dir = tempDir('tg-hist-');
    const clock = createManualClock(Date.UTC(2026, 5, 1));
    const { h } = make(dir, { clock, retentionDays: () => 30 });
    for (let i = 0; i < 5000; i++) h.append(rec(i, { id: `r${i}`, ts: clock.now() - (i % 60) * DAY - 1000 }));
    const { createPruner } = await import('../../../../src/main/core/history/prune.js');
    // The history's own connection is closed here so a second one can prune the same file.
    h.stop();
    open = [];
    const { openDb } = await import('../../../../src/main/core/history/db.js');
    const db = openDb(path.join(dir, 'history.sqlite')).db;
    const pruner = createPruner({ db: () => db, cutoff: () => clock.now() - 30 * DAY, log: createSilentLogger(), batch: 500 });
    const steps: number[] = [];
    for (let n = pruner.step(); n > 0; n = pruner.step()) steps.push(n);
    const old = Array.from({ length: 5000 }, (_, i) => i).filter((i) => (i % 60) * DAY + 1000 > 30 * DAY).length;
    expect(steps.reduce((a, b) => a + b, 0)).toBe(old);
    expect(Math.max(...steps)).toBe(500);
    expect((db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n).toBe(5000 - old);
    expect((db.prepare('SELECT min(ts) AS t FROM requests').get() as { t: number }).t).toBeGreaterThanOrEqual(clock.now() - 30 * DAY);
    db.close();
  });
});
