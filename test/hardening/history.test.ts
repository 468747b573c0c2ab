/**
 * The history database (issue 14) in a real Tollgate process: a burst of requests, then SIGKILL the moment the
 * last answer arrives, and every one of them is counted after the restart (before, a kill right after a burst of
 * 300 lost all of them); a damaged database at start is moved aside and the proxy serves; a database deleted
 * while running is written back with every record.
 *
 * The burst runs 20 times under `npm run test:hardening` (TOLLGATE_HARDENING=full), 3 in the normal run.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryPageDto, SpendResult } from '../../src/main/contract/api.js';
import { HISTORY_FILE } from '../../src/main/core/history/module.js';
import { startFakeUpstream } from '../support/fake-upstream.js';
import { tempDir } from '../support/harness.js';
import { eventually } from '../support/wait.js';
import { fullRun, recordFigures } from './support/figures.js';
import { startHeadless, type Headless } from './support/headless.js';
import { build, pick, PROVIDERS, randInt, send } from './support/load.js';

const ROUNDS = fullRun() ? 20 : 3;
const BURST = 300;
const figures = recordFigures('history');
afterAll(() => figures.save());

describe('history in a real process', () => {
  it(`${ROUNDS} bursts of ${BURST}, each killed the moment its last answer arrives: every answered request counted once`, async () => {
    const fake = await startFakeUpstream();
    const dir = tempDir('tollgate-history-burst-');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    let h: Headless | null = null;
    let answered = 0;
    const expected = { requests: 0, input: 0, output: 0 };
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        h = await startHeadless({ dataDir: dir, upstream: fake.url });
        const totals = (await h.admin<SpendResult>('spend.query', { project: 'burst' })).body.data!.totals;
        expect({ requests: totals.requests, input: totals.inputTokens, output: totals.outputTokens }, `round ${round}: totals after restart`).toEqual(expected);
        const calls = Array.from({ length: BURST }, () => {
          const usage = { input: randInt(10, 4000), output: randInt(1, 400) };
          return { usage, built: build({ provider: pick(PROVIDERS), stream: Math.random() < 0.5, usage, project: 'burst' }) };
        });
        const outs = await Promise.all(calls.map((c) => send(agent, h!.url, c.built, { timeoutMs: 20_000 })));
        // The instant the last answer is in: no store flush, no history sync can have run since.
        h.child.kill('SIGKILL');
        expect((await h.exited).signal).toBe('SIGKILL');
        h = null;
        expect(outs.map((o) => o.status)).toEqual(Array(BURST).fill(200));
        answered += BURST;
        for (const c of calls) {
          expected.requests++;
          expected.input += c.usage.input;
          expected.output += c.usage.output;
        }
      }
      h = await startHeadless({ dataDir: dir, upstream: fake.url });
      const totals = (await h.admin<SpendResult>('spend.query', { project: 'burst' })).body.data!.totals;
      expect({ requests: totals.requests, input: totals.inputTokens, output: totals.outputTokens }).toEqual(expected);
      const found = (await h.admin<HistoryPageDto>('history.search', { project: 'burst', limit: 1000 })).body.data!.records.length;
      expect(found).toBe(Math.min(1000, answered));
      figures.add({ section: 'crash', what: `SIGKILL the moment a burst of ${BURST} is answered`, tried: ROUNDS, ok: ROUNDS, detail: `${answered} answered, ${expected.requests} counted after the restarts, 0 twice` });
    } finally {
      if (h) await h.kill('SIGKILL');
      agent.destroy();
      await fake.close();
    }
  }, 600_000);

  it('a damaged database at start is moved aside, reported, and the proxy serves and records', async () => {
    const fake = await startFakeUpstream();
    const dir = tempDir('tollgate-history-corrupt-');
    fs.writeFileSync(path.join(dir, HISTORY_FILE), Buffer.alloc(64 * 1024, 0x5a));
    const h = await startHeadless({ dataDir: dir, upstream: fake.url });
    try {
      const problems = (await h.admin<{ problems: string[] }>('status.get')).body.data!.problems.join('\n');
      expect(problems).toMatch(/history database .* was damaged .* moved aside as .*corrupt-/);
      const agent = new http.Agent({ keepAlive: true });
      const o = await send(agent, h.url, build({ provider: 'openai', stream: false, usage: { input: 10, output: 2 }, project: 'c' }));
      agent.destroy();
      expect(o.status).toBe(200);
      const page = (await h.admin<HistoryPageDto>('history.search', { project: 'c' })).body.data!;
      expect(page.records.map((r) => r.id)).toEqual([o.id]);
      expect(fs.readdirSync(dir).some((n) => n.startsWith(`${HISTORY_FILE}.corrupt-`))).toBe(true);
      figures.add({ section: 'faults', what: 'history database damaged at start', tried: 1, ok: 1, detail: 'moved aside, reported, a new one recording' });
    } finally {
      await h.kill('SIGKILL');
      await fake.close();
    }
  });

  it('TOLLGATE_HISTORY=0 (the bench\'s "no history" row) runs without the database; the ledger still counts', async () => {
    const fake = await startFakeUpstream();
    const dir = tempDir('tollgate-history-off-');
    const h = await startHeadless({ dataDir: dir, upstream: fake.url, env: { TOLLGATE_HISTORY: '0' } });
    try {
      const agent = new http.Agent({ keepAlive: true });
      const o = await send(agent, h.url, build({ provider: 'openai', stream: false, usage: { input: 10, output: 2 }, project: 'off' }));
      agent.destroy();
      expect(o.status).toBe(200);
      const totals = (await h.admin<SpendResult>('spend.query', { project: 'off' })).body.data!.totals;
      expect({ requests: totals.requests, input: totals.inputTokens, output: totals.outputTokens }).toEqual({ requests: 1, input: 10, output: 2 });
      expect(fs.existsSync(path.join(dir, HISTORY_FILE))).toBe(false);
    } finally {
      await h.kill('SIGKILL');
      await fake.close();
    }
  });

  it('a database deleted while running is written back from the open copy, every record kept', async () => {
    const fake = await startFakeUpstream();
    const dir = tempDir('tollgate-history-deleted-');
    const h = await startHeadless({ dataDir: dir, upstream: fake.url });
    const agent = new http.Agent({ keepAlive: true });
    try {
      const ids: string[] = [];
      const one = async () => {
        const o = await send(agent, h.url, build({ provider: 'anthropic', stream: true, usage: { input: 10, output: 2 }, project: 'd' }));
        expect(o.status).toBe(200);
        ids.push(o.id!);
      };
      for (let i = 0; i < 5; i++) await one();
      for (const s of ['', '-wal', '-shm']) fs.rmSync(path.join(dir, HISTORY_FILE + s), { force: true });
      for (let i = 0; i < 5; i++) await one();
      await eventually(async () => fs.existsSync(path.join(dir, HISTORY_FILE)), 5000, 'the database written back');
      const problems = (await h.admin<{ problems: string[] }>('status.get')).body.data!.problems.join('\n');
      expect(problems).toMatch(/was deleted while Tollgate was running; it was rewritten from the open copy/);
      for (let i = 0; i < 5; i++) await one();
      expect(await h.kill('SIGTERM')).toEqual({ code: 0, signal: null });
      const again = await startHeadless({ dataDir: dir, upstream: fake.url });
      try {
        const page = (await again.admin<HistoryPageDto>('history.search', { project: 'd', limit: 100 })).body.data!;
        expect(page.records.map((r) => r.id).reverse()).toEqual(ids);
      } finally {
        await again.kill('SIGKILL');
      }
      figures.add({ section: 'faults', what: 'history database deleted while running', tried: 1, ok: 1, detail: `written back from the open copy; ${ids.length}/${ids.length} requests kept` });
    } finally {
      agent.destroy();
      await h.kill('SIGKILL');
      await fake.close();
    }
  });
});
