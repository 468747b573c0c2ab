import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { createCheckpointer } from '../../../../src/main/core/history/checkpointer.js';
import { createHistory, type History } from '../../../../src/main/core/history/history.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';
import { createSilentLogger } from '../../../../src/main/core/util/log.js';
import { tempDir } from '../../../support/harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rec(i: number): RequestRecord {
  return {
    id: `req_c${i}`, ts: Date.UTC(2026, 10, 30, 8) + i, durationMs: 100, ttfbMs: 20, provider: 'openai', operation: 'chat', model: `m${i % 6}`,
    responseModel: null, keyId: `key_${i % 10}`, keyLabel: 'tg_…', project: `p${i % 4}`, user: null, run: null, status: 200, stream: false,
    usage: { inputTokens: 100 + i, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 10, reasoningTokens: 0 },
    costUsd: i / 1e6, pricedModel: `m${i % 6}`, priceSource: 'test', flags: [], upstreamId: `chatcmpl-${i.toString(36)}`,
  };
}

let open: History[] = [];
afterEach(() => {
  for (const h of open) h.stop();
  open = [];
});

/** Commits of 100 records back to back; returns the largest the log was seen. */
async function fill(h: History, n: number, file?: string): Promise<number> {
  let largest = 0;
  for (let i = 0; i < n; i += 100) {
    for (let j = i; j < i + 100; j++) h.append(rec(j));
    await new Promise<void>((r) => h.afterWrite(r));
    if (file && i % 1000 === 0) largest = Math.max(largest, fs.statSync(`${file}-wal`).size);
  }
  return largest;
}

describe('history checkpoints in the background', () => {
  it('keeps the write-ahead log bounded although the writing connection never checkpoints on its own', async () => {
    const file = path.join(tempDir('tg-ckpt-'), 'history.sqlite');
    const h = createHistory({ file, clock: createManualClock(), log: createSilentLogger(), retentionDays: () => 90 });
    open.push(h);
    const largest = await fill(h, 80_000, file);
    // Back to back, commits outrun the background checkpoint: past 64 MB the writer copies the last frames itself
    // (80,000 rows without any checkpoint make a log of about 190 MB).
    expect(largest).toBeLessThan(100 * 1024 * 1024);
    // The worker commits behind the appends (commit-worker.ts); a search waits until every record is in the database.
    h.search({ limit: 1 });
    // Commits back to back outrun the background checkpoint; the first quiet moment lets it catch up, and the
    // next commit starts the log again from its beginning, cut back to 8 MB.
    await sleep(300);
    h.tick();
    for (let i = 0; i < 40; i++) {
      await sleep(50);
      h.append(rec(30_000 + i));
      await new Promise<void>((r) => h.afterWrite(r));
      if (fs.statSync(`${file}-wal`).size <= 8 * 1024 * 1024) break;
    }
    const wal = fs.statSync(`${file}-wal`).size;
    // Without any checkpoint this log grows to tens of MB for 30,000 rows (each commit appends every index page it
    // touched), as the next test shows.
    expect(wal).toBeLessThanOrEqual(8 * 1024 * 1024);
    const reader = new Database(file, { readonly: true });
    expect((reader.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n).toBeGreaterThanOrEqual(80_000);
    reader.close();
    h.stop();
    // stop() waited for the worker's connection to close: the file is back in rollback-journal mode, with no log.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  }, 120_000);

  it('the same load with automatic checkpoints off and no worker lets the log grow, so the bound above means something', async () => {
    const file = path.join(tempDir('tg-ckpt-'), 'history.sqlite');
    const h = createHistory({ file, clock: createManualClock(), log: createSilentLogger(), retentionDays: () => 90 });
    open.push(h);
    // A reader holding its snapshot stops every checkpoint from completing, as no checkpoint at all would.
    await fill(h, 100);
    const reader = new Database(file, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM requests').get();
    await fill(h, 30_000);
    h.search({ limit: 1 });
    await sleep(300);
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(16 * 1024 * 1024);
    reader.exec('COMMIT');
    reader.close();
  }, 60_000);

  it('a worker that cannot start hands checkpoints back to the writing connection, once, with a warning', async () => {
    const file = path.join(tempDir('tg-ckpt-'), 'history.sqlite');
    new Database(file).close();
    const log = createSilentLogger();
    let failed = 0;
    const c = createCheckpointer({ file, log, onFailed: () => failed++, catchUp: () => {}, sqliteModule: path.join(path.dirname(file), 'no-such-module.js') });
    c.wrote(10_000);
    for (let i = 0; i < 50 && failed === 0; i++) await sleep(50);
    expect(failed).toBe(1);
    expect(c.working).toBe(false);
    c.wrote(10_000);
    c.tick();
    await sleep(200);
    expect(failed).toBe(1);
    expect(log.lines.filter((l) => l.includes('checkpoints in the background stopped'))).toHaveLength(1);
    c.stop();
  });
});
