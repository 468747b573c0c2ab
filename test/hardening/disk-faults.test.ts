/**
 * Disk faults (issue 7): the store file deleted, truncated or filled with garbage while running and at start,
 * a read-only data folder, a full disk. In every case Tollgate keeps serving, reports the problem in
 * status.get's `problems` and a log line, never crashes, and keeps everything it had counted where that can be
 * kept: the in-memory copy is authoritative and rewrites a damaged file; at start the previous save
 * (tollgate.json.bak) replaces a missing or unreadable file.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CoreOptions } from '../../src/main/core/create-core.js';
import { HISTORY_FILE } from '../../src/main/core/history/module.js';
import { createConfStore } from '../../src/main/core/store/conf-store.js';
import type { DocumentStore } from '../../src/main/core/store/document-store.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTollgate, tempDir, type Tollgate } from '../support/harness.js';
import { eventually, waitFor } from '../support/wait.js';
import { chownTree, mountTmpfs, readOnlyRunner, type Tmpfs } from './support/disk.js';
import { recordFigures } from './support/figures.js';
import { headlessEntry, startHeadless, STORE_FILE } from './support/headless.js';

let fake: FakeUpstream;
const figures = recordFigures('disk-faults');
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await fake.close();
  figures.save();
});

let seq = 0;
/** One metered call; answers with the request id Tollgate gave it. */
async function chat(url: string): Promise<{ status: number; id: string; ms: number }> {
  const tokens = 100 + (++seq % 50);
  const t0 = performance.now();
  const res = await fetch(`${url}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer sk-disk-faults',
      'content-type': 'application/json',
      'x-fake': JSON.stringify({ usage: { prompt_tokens: tokens, completion_tokens: 7, total_tokens: tokens + 7 } }),
    },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.arrayBuffer();
  return { status: res.status, id: res.headers.get('x-tollgate-request-id') ?? '', ms: performance.now() - t0 };
}

async function chats(url: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await chat(url);
    expect(r.status).toBe(200);
    ids.push(r.id);
  }
  return ids;
}

/**
 * Request ids saved: those in the store file's recent list and, since issue 14, those in the history database
 * beside it (where records now go; the store keeps only totals). Null while the store file is missing or does not
 * parse.
 */
function storedIds(dir: string, file = STORE_FILE): string[] | null {
  let ids: string[];
  try {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { ledger?: { recent?: { id: string }[] } };
    ids = (doc.ledger?.recent ?? []).map((r) => r.id);
  } catch {
    return null;
  }
  return [...new Set([...ids, ...historyIds(dir)])];
}

/** Ids in the history database, read as another process would (WAL readers see every committed append). */
function historyIds(dir: string): string[] {
  const file = path.join(dir, HISTORY_FILE);
  if (!fs.existsSync(file)) return [];
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { fileMustExist: true });
    return (db.prepare('SELECT id FROM requests').all() as { id: string }[]).map((r) => r.id);
  } catch {
    return [];
  } finally {
    db?.close();
  }
}

const sorted = (xs: string[]) => [...xs].sort();
const hasIds = (dir: string, ids: string[]) => () => {
  const s = storedIds(dir);
  return s !== null && JSON.stringify(sorted(s)) === JSON.stringify(sorted(ids));
};

async function problems(tg: { admin: Tollgate['admin'] }): Promise<string> {
  const r = await tg.admin<{ problems: string[] }>('status.get');
  return r.body.data!.problems.join('\n');
}

async function start(dataDir?: string, core?: Partial<CoreOptions>): Promise<Tollgate> {
  const tg = await startTollgate({ upstream: fake.url, dataDir, core });
  cleanups.push(() => tg.stop());
  return tg;
}

/** Stops the core and starts a new one on the same folder: what was saved is what the new one sees. */
async function restartedIds(tg: Tollgate): Promise<string[]> {
  await tg.stop();
  const again = await start(tg.dataDir);
  return (await again.admin<{ id: string }[]>('requests.recent', { limit: 10_000 })).body.data!.map((r) => r.id);
}

describe('the store file damaged while Tollgate runs', () => {
  it('deleted: noticed without any traffic, rewritten from memory, reported; nothing lost', async () => {
    const tg = await start();
    const file = path.join(tg.dataDir, STORE_FILE);
    const ids = await chats(tg.url, 5);
    await waitFor(hasIds(tg.dataDir, ids), 3000, 'five records saved');
    fs.unlinkSync(file);
    const t0 = Date.now();
    await waitFor(hasIds(tg.dataDir, ids), 3000, 'the file rewritten from memory');
    const ms = Date.now() - t0;
    expect(await problems(tg)).toMatch(/tollgate\.json was removed while Tollgate was running .*; it was rewritten from memory/);
    expect(tg.log.lines.some((l) => /^warn .*was removed while Tollgate was running/.test(l))).toBe(true);
    ids.push(...(await chats(tg.url, 3)));
    await waitFor(hasIds(tg.dataDir, ids), 3000, 'eight records saved');
    expect(sorted(await restartedIds(tg))).toEqual(sorted(ids));
    figures.add({ section: 'faults', what: 'store file deleted while running', tried: 1, ok: 1, detail: `rewritten from memory after ${ms} ms, ${ids.length}/${ids.length} requests kept` });
  });

  const damage: Record<string, (text: string) => string | Buffer> = {
    truncated: (text) => text.slice(0, Math.floor(text.length / 2)),
    'filled with garbage': () => randomBytes(3000),
    'emptied (0 bytes)': () => '',
  };
  for (const [how, make] of Object.entries(damage)) {
    it(`${how}: rewritten from memory, the damaged file kept aside, reported; nothing lost`, async () => {
      const tg = await start();
      const file = path.join(tg.dataDir, STORE_FILE);
      const ids = await chats(tg.url, 5);
      await waitFor(hasIds(tg.dataDir, ids), 3000, 'five records saved');
      const bad = make(fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, bad);
      await waitFor(hasIds(tg.dataDir, ids), 3000, 'the file rewritten from memory');
      const said = await problems(tg);
      expect(said).toMatch(/tollgate\.json was changed by another program while Tollgate was running .*; it was rewritten from memory/);
      const kept = fs.readdirSync(tg.dataDir).filter((n) => n.startsWith(`${STORE_FILE}.changed-`));
      if (bad.length > 0) {
        expect(kept).toHaveLength(1);
        expect(said).toContain(kept[0]);
        expect(fs.readFileSync(path.join(tg.dataDir, kept[0]!))).toEqual(Buffer.from(bad));
      } else expect(kept).toHaveLength(0);
      ids.push(...(await chats(tg.url, 2)));
      expect(sorted(await restartedIds(tg))).toEqual(sorted(ids));
      figures.add({ section: 'faults', what: `store file ${how} while running`, tried: 1, ok: 1, detail: `${ids.length}/${ids.length} requests kept` });
    });
  }

  it('the whole data folder deleted: recreated with the ledger from memory', async () => {
    const tg = await start();
    const ids = await chats(tg.url, 4);
    await waitFor(hasIds(tg.dataDir, ids), 3000, 'four records saved');
    fs.rmSync(tg.dataDir, { recursive: true });
    await waitFor(hasIds(tg.dataDir, ids), 3000, 'the folder and file recreated');
    expect((await chat(tg.url)).status).toBe(200);
    expect(await problems(tg)).toMatch(/was removed while Tollgate was running/);
    figures.add({ section: 'faults', what: 'data folder deleted while running', tried: 1, ok: 1, detail: 'folder and file recreated from memory' });
  });
});

describe('the store file damaged while Tollgate was stopped', () => {
  /** Runs Tollgate, saves two rounds of requests, stops it; returns the ids in the file and in its previous save. */
  async function saved(): Promise<{ dir: string; all: string[]; previous: string[] }> {
    const tg = await start();
    const all = await chats(tg.url, 5);
    await waitFor(hasIds(tg.dataDir, all), 3000, 'five records saved');
    all.push(...(await chats(tg.url, 2)));
    await waitFor(hasIds(tg.dataDir, all), 3000, 'seven records saved');
    await tg.stop();
    const previous = storedIds(tg.dataDir, `${STORE_FILE}.bak`);
    expect(previous).not.toBeNull();
    return { dir: tg.dataDir, all, previous: previous! };
  }

  const damage: Record<string, (file: string) => void> = {
    deleted: (file) => fs.unlinkSync(file),
    truncated: (file) => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2)),
    'filled with garbage': (file) => fs.writeFileSync(file, randomBytes(4000)),
  };
  for (const [how, harm] of Object.entries(damage)) {
    it(`${how}: starts, restores the previous save, reports it, serves`, async () => {
      const { dir, all, previous } = await saved();
      // The previous save holds everything but the last flush's requests.
      expect(previous.length).toBeGreaterThanOrEqual(5);
      expect(all).toEqual(expect.arrayContaining(previous));
      harm(path.join(dir, STORE_FILE));
      const tg = await start(dir);
      const said = await problems(tg);
      expect(said).toMatch(how === 'deleted' ? /tollgate\.json was missing; Tollgate restored its previous save \(of .*\) from .*tollgate\.json\.bak/ : /tollgate\.json was unreadable; it was moved to .*tollgate\.json\.corrupt-.* and Tollgate restored its previous save/);
      expect(tg.log.lines.some((l) => l.startsWith('warn ') && /restored its previous save/.test(l))).toBe(true);
      const recent = (await tg.admin<{ id: string }[]>('requests.recent', { limit: 100 })).body.data!.map((r) => r.id);
      expect(sorted(recent)).toEqual(sorted(previous));
      expect((await chat(tg.url)).status).toBe(200);
      figures.add({ section: 'faults', what: `store file ${how} at start`, tried: 1, ok: 1, detail: `restored ${previous.length}/${all.length} requests from the previous save` });
    });
  }

  it('deleted together with its previous save: starts fresh, as on a first start, and serves', async () => {
    const { dir } = await saved();
    fs.unlinkSync(path.join(dir, STORE_FILE));
    fs.unlinkSync(path.join(dir, `${STORE_FILE}.bak`));
    const tg = await start(dir);
    expect(await problems(tg)).toBe('');
    expect((await chat(tg.url)).status).toBe(200);
    figures.add({ section: 'faults', what: 'store file and its backup deleted at start', tried: 1, ok: 1, detail: 'fresh start (cannot be told from a first start)' });
  });

  it('valid JSON with sections of the wrong shape: starts with those sections empty, a copy kept, reported', async () => {
    const dir = tempDir();
    const doc = {
      ledger: { version: 1, recent: [null, 7, { id: 'req_ok' }], rollups: [null, 'x'] },
      budgets: { version: 1, budgets: [null], counters: [5], overrides: 'x', audit: 3, alerts: null },
      keys: [null, 1],
      settings: [1, 2],
      usage: { connections: [null], buckets: 'x' },
    };
    fs.writeFileSync(path.join(dir, STORE_FILE), JSON.stringify(doc));
    const tg = await start(dir);
    const said = await problems(tg);
    expect(said).toMatch(/stored ledger could not be read/);
    expect(said).toMatch(/stored budgets could not be read/);
    const copy = /a copy of the file was kept as (\S+?tollgate\.json\.unreadable-\S+)/.exec(said)?.[1];
    expect(copy && JSON.parse(fs.readFileSync(copy, 'utf8'))).toEqual(doc);
    expect((await chat(tg.url)).status).toBe(200);
    for (const ch of ['requests.recent', 'spend.query', 'budgets.list', 'keys.list', 'usage.sources']) {
      expect((await tg.admin(ch, ch === 'requests.recent' || ch === 'spend.query' ? {} : undefined)).status, ch).toBe(200);
    }
    figures.add({ section: 'faults', what: 'store sections of the wrong shape at start', tried: 1, ok: 1, detail: 'bad sections started empty, copy kept' });
  });
});

// Files a Tollgate started as another user must read: the entry it runs and the packages it loads.
const runner = readOnlyRunner([headlessEntry().file, path.resolve('node_modules/conf/package.json'), path.resolve('node_modules/tsx/package.json')]);
const runnerSkipped = 'skipped' in runner ? runner.skipped : null;
if (runnerSkipped) console.log(`read-only folder tests skipped: ${runnerSkipped}`);

describe.skipIf(runnerSkipped !== null)('a read-only data folder (a real Tollgate process)', () => {
  const asUser = runnerSkipped ? {} : (runner as { uid?: number; gid?: number });
  const own = (dir: string) => {
    if (asUser.uid !== undefined) chownTree(dir, asUser.uid);
  };

  it('made read-only while running: keeps serving without stalls, reports, saves everything once writable again', async () => {
    const dir = tempDir();
    own(dir);
    const h = await startHeadless({ dataDir: dir, upstream: fake.url, ...asUser });
    cleanups.push(() => h.kill('SIGKILL'));
    cleanups.push(() => fs.chmodSync(dir, 0o700));
    const ids = await chats(h.url, 3);
    await waitFor(hasIds(dir, ids), 5000, 'three records saved');
    fs.chmodSync(dir, 0o500);
    // Two seconds of traffic while every flush fails: no request may wait on the disk.
    const latencies: number[] = [];
    const until = Date.now() + 2500;
    while (Date.now() < until) {
      const r = await chat(h.url);
      expect(r.status).toBe(200);
      ids.push(r.id);
      latencies.push(r.ms);
      // Paced, so the ledger's recent list (500) holds every request for the comparison below.
      await new Promise((res) => setTimeout(res, 20));
    }
    const said = await problems(h);
    expect(said).toMatch(/could not save to .*tollgate\.json: EACCES/);
    expect(h.stderr()).toMatch(/ error could not save to .*EACCES/);
    const worst = Math.max(...latencies);
    // conf's writer busy-waited a second on EACCES, synchronously, at every flush; no request may wait on that.
    expect(worst).toBeLessThan(700);
    fs.chmodSync(dir, 0o700);
    await waitFor(hasIds(dir, ids), 5000, 'everything saved once writable');
    await eventually(async () => !(await problems(h)).includes('could not save'), 5000, 'the problem cleared');
    expect(h.stderr()).toMatch(/data file writable again/);
    expect(await h.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    figures.add({ section: 'faults', what: 'data folder made read-only while running', tried: 1, ok: 1, detail: `${latencies.length} requests served meanwhile, slowest ${Math.round(worst)} ms; all ${ids.length} saved after` });
  });

  it('started in a read-only folder: serves the saved ledger, reports, saves once writable', async () => {
    const dir = tempDir();
    own(dir);
    const first = await startHeadless({ dataDir: dir, upstream: fake.url, ...asUser });
    cleanups.push(() => first.kill('SIGKILL'));
    const ids = await chats(first.url, 3);
    await waitFor(hasIds(dir, ids), 5000, 'three records saved');
    expect(await first.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    fs.chmodSync(dir, 0o500);
    cleanups.push(() => fs.chmodSync(dir, 0o700));
    const h = await startHeadless({ dataDir: dir, upstream: fake.url, ...asUser });
    cleanups.push(() => h.kill('SIGKILL'));
    const recent = (await h.admin<{ id: string }[]>('requests.recent', { limit: 100 })).body.data!.map((r) => r.id);
    expect(sorted(recent)).toEqual(sorted(ids));
    ids.push(...(await chats(h.url, 2)));
    await eventually(async () => /could not save to .*EACCES/.test(await problems(h)), 5000, 'the problem reported');
    fs.chmodSync(dir, 0o700);
    await waitFor(hasIds(dir, ids), 5000, 'saved once writable');
    figures.add({ section: 'faults', what: 'data folder read-only at start', tried: 1, ok: 1, detail: 'saved ledger served; saved once writable' });
  });

  // The admin token cannot be written: Tollgate serves with one kept in memory and reports it.
  it('a first start in a read-only folder (no admin token yet) still serves', async () => {
    const dir = tempDir();
    own(dir);
    fs.chmodSync(dir, 0o500);
    cleanups.push(() => fs.chmodSync(dir, 0o700));
    const h = await startHeadless({ dataDir: dir, upstream: fake.url, ...asUser, timeoutMs: 10_000 });
    cleanups.push(() => h.kill('SIGKILL'));
    expect((await chat(h.url)).status).toBe(200);
    expect(h.stderr()).toMatch(/admin token could not be saved .*it changes at each start until the folder is writable/);
  });
});

if (runnerSkipped) {
  for (const what of ['data folder made read-only while running', 'data folder read-only at start']) figures.add({ section: 'faults', what, tried: 0, ok: 0, skipped: runnerSkipped });
}

describe('a read-only file system and a full disk (a real tmpfs)', () => {
  let fs1: Tmpfs | { skipped: string };
  beforeAll(() => {
    fs1 = mountTmpfs(512);
  });
  afterAll(() => {
    if ('dir' in fs1) fs1.unmount();
  });
  const mounted = () => {
    if ('skipped' in fs1) {
      console.log(`skipped: ${fs1.skipped}`);
      return null;
    }
    return fs1;
  };

  it('remounted read-only while running (EROFS): serves, reports, saves everything once writable', async (ctx) => {
    const t = mounted();
    if (!t) {
      figures.add({ section: 'faults', what: 'file system remounted read-only while running', tried: 0, ok: 0, skipped: (fs1 as { skipped: string }).skipped });
      return ctx.skip();
    }
    const dir = path.join(t.dir, 'ro');
    fs.mkdirSync(dir);
    // Without the history database: Linux refuses a read-only remount (EBUSY) while any file on it is open for
    // writing, and SQLite keeps its file open. The history's read-only cases are the folder tests above.
    const tg = await start(dir, { history: false });
    const ids = await chats(tg.url, 3);
    await waitFor(hasIds(dir, ids), 3000, 'three records saved');
    t.remount('ro');
    cleanups.push(() => t.remount('rw'));
    ids.push(...(await chats(tg.url, 10)));
    await eventually(async () => /could not save to .*EROFS/.test(await problems(tg)), 3000, 'the problem reported');
    expect(tg.log.lines.some((l) => /^error could not save to .*EROFS/.test(l))).toBe(true);
    t.remount('rw');
    await waitFor(hasIds(dir, ids), 3000, 'saved once writable');
    await eventually(async () => (await problems(tg)) === '', 3000, 'the problem cleared');
    expect(sorted(await restartedIds(tg))).toEqual(sorted(ids));
    figures.add({ section: 'faults', what: 'file system remounted read-only while running', tried: 1, ok: 1, detail: `all ${ids.length} requests saved after` });
  });

  it('disk full (ENOSPC on a full tmpfs): serves, reports, leaves no temp files, saves everything once there is room', async (ctx) => {
    const t = mounted();
    if (!t) {
      figures.add({ section: 'faults', what: 'disk full (real tmpfs)', tried: 0, ok: 0, skipped: (fs1 as { skipped: string }).skipped });
      return ctx.skip();
    }
    const dir = path.join(t.dir, 'full');
    fs.mkdirSync(dir);
    const tg = await start(dir);
    const ids = await chats(tg.url, 3);
    await waitFor(hasIds(dir, ids), 3000, 'three records saved');
    const filler = t.fill();
    cleanups.push(() => fs.rmSync(filler, { force: true }));
    ids.push(...(await chats(tg.url, 20)));
    await eventually(async () => /could not save to .*ENOSPC/.test(await problems(tg)), 3000, 'the problem reported');
    expect(tg.log.lines.filter((l) => /^error could not save to .*ENOSPC/.test(l))).toHaveLength(1);
    // A retry on its way holds its temporary file for a moment (open, the failed write, the unlink); one left behind
    // would stay, holding the space a later write needs.
    await waitFor(() => fs.readdirSync(dir).filter((n) => n.includes('.tmp-')).length === 0, 2000, 'no temporary file left');
    fs.rmSync(filler);
    await waitFor(hasIds(dir, ids), 3000, 'saved once there is room');
    await eventually(async () => (await problems(tg)) === '', 3000, 'the problem cleared');
    expect(sorted(await restartedIds(tg))).toEqual(sorted(ids));
    figures.add({ section: 'faults', what: 'disk full (real 512 KiB tmpfs)', tried: 1, ok: 1, detail: `all ${ids.length} requests saved once there was room` });
  });
});

describe('disk full, injected (runs anywhere)', () => {
  it('ENOSPC from every write: serves, reports once, saves everything when writes succeed again', async () => {
    const dir = tempDir();
    const real = createConfStore(dir);
    let full = false;
    const store: DocumentStore = {
      ...real,
      path: real.path,
      problems: real.problems,
      load: () => real.load(),
      checkFile: () => real.checkFile!(),
      write(sections) {
        if (full) throw Object.assign(new Error(`ENOSPC: no space left on device, open '${real.path}.tmp-1'`), { code: 'ENOSPC' });
        real.write(sections);
      },
      // The timed flushes write in the background (conf-store.ts writeAsync): the fault reaches them too.
      async writeAsync(sections) {
        if (full) throw Object.assign(new Error(`ENOSPC: no space left on device, open '${real.path}.tmp-1'`), { code: 'ENOSPC' });
        await real.writeAsync!(sections);
      },
    };
    const tg = await start(dir, { store });
    const ids = await chats(tg.url, 3);
    await waitFor(hasIds(dir, ids), 3000, 'three records saved');
    full = true;
    ids.push(...(await chats(tg.url, 15)));
    await eventually(async () => /could not save to .*ENOSPC/.test(await problems(tg)), 3000, 'the problem reported');
    expect(tg.log.lines.filter((l) => /^error could not save/.test(l))).toHaveLength(1);
    full = false;
    // The records are in the history database already (only the store's writes fail here): the store's next
    // successful write clears the problem.
    await eventually(async () => (await problems(tg)) === '', 3000, 'the problem cleared by a successful save');
    await waitFor(hasIds(dir, ids), 3000, 'saved once writes succeed');
    figures.add({ section: 'faults', what: 'disk full (injected ENOSPC)', tried: 1, ok: 1, detail: `all ${ids.length} requests saved after` });
  });
});
