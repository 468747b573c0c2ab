import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createConfStore } from '../../../../src/main/core/store/conf-store.js';
import { createMemoryStore } from '../../../../src/main/core/store/document-store.js';
import { createPersistence } from '../../../../src/main/core/store/persistence.js';
import { systemClock } from '../../../../src/main/core/util/clock.js';
import { createSilentLogger } from '../../../../src/main/core/util/log.js';
import { startFakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, tempDir } from '../../../support/harness.js';
import { records, waitFor } from '../../../support/wait.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

describe('persistence', () => {
  it('coalesces many changes into one write per interval, off the caller\'s path', async () => {
    const store = createMemoryStore();
    let writes = 0;
    const counting = { ...store, write: (s: Record<string, unknown>) => (writes++, store.write(s)) };
    const p = createPersistence({ store: counting, log: createSilentLogger(), clock: systemClock, intervalMs: 40 });
    let value = 0;
    const mark = p.section('ledger', () => ({ value }));
    p.start();
    for (let i = 0; i < 500; i++) {
      value = i;
      mark();
    }
    expect(writes).toBe(0);
    await waitFor(() => writes > 0, 1000, 'a flush');
    expect(writes).toBe(1);
    expect(store.data.ledger).toEqual({ value: 499 });
    p.stop();
  });

  it('keeps data dirty and retries when the disk refuses a write, and reports it', async () => {
    const store = createMemoryStore();
    let fail = true;
    const errors: (string | null)[] = [];
    const flaky = { ...store, path: '/x', write: (s: Record<string, unknown>) => (fail ? (() => { throw new Error('ENOSPC: no space left on device'); })() : store.write(s)) };
    const p = createPersistence({ store: flaky, log: createSilentLogger(), clock: systemClock, intervalMs: 20, onProblems: () => errors.push(p.lastError) });
    const mark = p.section('ledger', () => ({ v: 1 }));
    p.start();
    mark();
    await waitFor(() => errors.length > 0, 1000, 'an error');
    expect(p.lastError).toMatch(/ENOSPC/);
    fail = false;
    await waitFor(() => store.data.ledger, 1000, 'a retry');
    expect(p.lastError).toBeNull();
    expect(errors.at(-1)).toBeNull();
    p.stop();
  });

  it('timed flushes write in the background, one at a time; a stop writes at once', async () => {
    const dir = tempDir();
    const store = createConfStore(dir);
    // Holds each background write at the start until released, to see what happens while one is on its way.
    const held: (() => void)[] = [];
    let asyncWrites = 0;
    let syncWrites = 0;
    const slow = {
      ...store,
      write: (s: Record<string, unknown>) => (syncWrites++, store.write(s)),
      writeAsync: async (s: Record<string, unknown>) => {
        asyncWrites++;
        const snapshot = structuredClone(s);
        await new Promise<void>((r) => held.push(r));
        await store.writeAsync!(snapshot);
      },
    };
    const p = createPersistence({ store: slow, log: createSilentLogger(), clock: systemClock, intervalMs: 20 });
    let value = 1;
    const mark = p.section('ledger', () => ({ value }));
    p.start();
    mark();
    await waitFor(() => asyncWrites === 1, 1000, 'a background write');
    // Changes meanwhile wait for the write on its way: no second one starts beside it.
    value = 2;
    mark();
    await new Promise((r) => setTimeout(r, 100));
    expect(asyncWrites).toBe(1);
    expect(syncWrites).toBe(0);
    held.shift()!();
    await waitFor(() => asyncWrites === 2, 1000, 'the next background write');
    // A stop writes synchronously (the process may be exiting), whatever is on its way: here the section the held
    // write took is written again although nothing changed since, as that write may never land.
    p.stop();
    expect(syncWrites).toBe(1);
    const file = path.join(dir, 'tollgate.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).ledger).toEqual({ value: 2 });
    held.shift()!();
  });

  it('a timed flush takes its snapshot, waits until what it counts is on disk elsewhere (durable), then writes; a stop meanwhile drops it', async () => {
    const dir = tempDir();
    const store = createConfStore(dir);
    let asyncWrites = 0;
    const counting = { ...store, writeAsync: async (s: Record<string, unknown>) => (asyncWrites++, store.writeAsync!(s)) };
    const gates: (() => void)[] = [];
    const p = createPersistence({
      store: counting,
      log: createSilentLogger(),
      clock: systemClock,
      intervalMs: 20,
      durable: () => new Promise<void>((r) => gates.push(r)),
    });
    let value = 1;
    const mark = p.section('ledger', () => ({ value }));
    p.start();
    mark();
    await waitFor(() => gates.length === 1, 1000, 'a flush waiting on durable');
    // The snapshot is taken before the wait: a change meanwhile is not in this write.
    value = 2;
    await new Promise((r) => setTimeout(r, 60));
    expect(asyncWrites).toBe(0);
    gates.shift()!();
    await waitFor(() => asyncWrites === 1, 1000, 'the write once durable');
    const file = path.join(dir, 'tollgate.json');
    await waitFor(() => fs.existsSync(file) && JSON.parse(fs.readFileSync(file, 'utf8')).ledger?.value === 1, 1000, 'the snapshot on disk');
    // Next flush waits again; a stop writes at once, and the waiting write, older, must not follow it.
    mark();
    await waitFor(() => gates.length === 1, 1000, 'the second flush waiting');
    value = 3;
    p.stop();
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).ledger).toEqual({ value: 3 });
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 60));
    expect(asyncWrites).toBe(1);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).ledger).toEqual({ value: 3 });
  });

  it('the conf store drops a background write that a later write overtook', async () => {
    const dir = tempDir();
    const store = createConfStore(dir);
    const file = path.join(dir, 'tollgate.json');
    await store.writeAsync!({ ledger: { value: 1 } });
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).ledger).toEqual({ value: 1 });
    const late = store.writeAsync!({ ledger: { value: 2 } });
    store.write({ ledger: { value: 3 } });
    await late;
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).ledger).toEqual({ value: 3 });
    expect(fs.readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    // The file is still the store's own: a change behind its back is still told apart from its writes.
    expect(store.checkFile!()).toBeNull();
  });

  it('a corrupt store file is moved aside and reported; Tollgate starts fresh and serves', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'tollgate.json'), '{"ledger": {"recent": [tru');
    const tg = await startTollgate({ dataDir: dir });
    stops.push(() => tg.stop());
    const status = (await tg.admin<{ problems: string[] }>('status.get')).body.data!;
    expect(status.problems.join(' ')).toMatch(/unreadable; it was moved to .*tollgate\.json\.corrupt-/);
    const aside = fs.readdirSync(dir).find((f) => f.startsWith('tollgate.json.corrupt-'))!;
    expect(fs.readFileSync(path.join(dir, aside), 'utf8')).toBe('{"ledger": {"recent": [tru');
  });

  it('an unopenable data folder runs from memory and says so', () => {
    const dir = tempDir();
    const file = path.join(dir, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    const store = createConfStore(path.join(file, 'sub'));
    expect(store.path).toBeNull();
    expect(store.problems.join(' ')).toMatch(/running from memory/);
  });

  it('a graceful stop (SIGTERM) of headless mode loses nothing', async () => {
    const fake = await startFakeUpstream();
    stops.push(() => fake.close());
    const dir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/core/headless.ts', '--port', '0', '--data-dir', dir], {
      env: { ...process.env, TOLLGATE_OPENAI_BASE_URL: fake.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(out)?.[1], 15_000, 'headless to listen');
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-term', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [] }),
      });
      expect(res.status).toBe(200);
    }
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'tollgate.json'), 'utf8')) as { ledger: { historySeq: number; rollups: { requests: number }[] } };
    // The records themselves are in the history database; the summary says it counts all 20 of them.
    expect(saved.ledger.historySeq).toBe(20);
    expect(saved.ledger.rollups.reduce((s, r) => s + r.requests, 0)).toBe(20);
    // …and a restart picks the ledger up again.
    const again = await startTollgate({ dataDir: dir });
    stops.push(() => again.stop());
    expect((await records(again.core, 20)).length).toBe(20);
  });
});
