import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { createCodingLogImporter } from '../../../../src/main/core/coding-logs/importer.js';
import { loadImportState } from '../../../../src/main/core/coding-logs/import-state.js';
import type { ImportedCall } from '../../../../src/main/core/history/reads.js';
import { createPriceDatabase } from '../../../../src/main/core/pricing/price-database.js';
import { createPricer } from '../../../../src/main/core/pricing/pricer.js';
import { systemClock } from '../../../../src/main/core/util/clock.js';
import { createSilentLogger } from '../../../../src/main/core/util/log.js';
import { tempDir } from '../../../support/harness.js';
import { claudeApiErrorLine, claudeLine, claudeUserLine, codexCount, codexMeta, codexRecord, codexTurn } from './logs.js';

const pricer = createPricer({ db: createPriceDatabase(), overrides: () => [] });

function setup(opts: { proxied?: string[]; initial?: unknown; graceMs?: number; onChange?: () => void; keysFile?: string; room?: () => Promise<void>; busy?: () => boolean; lastSeq?: () => number; recordedSince?: (seq: number) => Iterable<ImportedCall> } = {}) {
  const root = tempDir();
  const claude = path.join(root, 'claude', 'projects');
  const codex = path.join(root, 'codex', 'sessions');
  fs.mkdirSync(path.join(claude, '-home-u-proj'), { recursive: true });
  fs.mkdirSync(path.join(codex, '2026', '11', '30'), { recursive: true });
  const recorded: RequestRecord[] = [];
  let seq = 0;
  const make = (initial?: unknown) =>
    createCodingLogImporter({
      claudeRoots: [claude],
      codexRoots: [codex],
      pricer,
      target: (id) => ({ routeId: id, pricingProviderId: id, free: false }),
      record: (r) => recorded.push(r),
      proxied: (id) => (opts.proxied ?? []).includes(id),
      nextId: () => `log_${++seq}`,
      clock: systemClock,
      log: createSilentLogger(),
      initial,
      onChange: opts.onChange ?? (() => {}),
      graceMs: opts.graceMs ?? 0,
      keysFile: opts.keysFile,
      room: opts.room,
      busy: opts.busy,
      lastSeq: opts.lastSeq,
      recordedSince: opts.recordedSince,
    });
  return {
    importer: make(opts.initial),
    make,
    recorded,
    claudeFile: path.join(claude, '-home-u-proj', 'bb25-session.jsonl'),
    codexFile: path.join(codex, '2026', '11', '30', 'rollout-2026-11-30T02-08-00-thread-1.jsonl'),
  };
}

const lines = (...l: string[]) => l.map((s) => s + '\n').join('');

/** Another importer over the same folders and record list, as a restarted process would make it. */
function createCodingLogImporterFor(s: ReturnType<typeof setup>, keysFile: string, initial: unknown, recordedSince: (seq: number) => Iterable<ImportedCall>) {
  const root = path.dirname(path.dirname(path.dirname(path.dirname(s.claudeFile))));
  return createCodingLogImporter({
    claudeRoots: [path.join(root, 'claude', 'projects')],
    codexRoots: [path.join(root, 'codex', 'sessions')],
    pricer,
    target: (id) => ({ routeId: id, pricingProviderId: id, free: false }),
    record: (r) => s.recorded.push(r),
    proxied: () => false,
    nextId: () => `log_r${s.recorded.length}`,
    clock: systemClock,
    log: createSilentLogger(),
    initial,
    onChange: () => {},
    graceMs: 0,
    keysFile,
    recordedSince,
  });
}

describe('Claude Code transcripts', () => {
  it('prices each call once: streamed duplicates, sidechain replays and API-error lines are not spend', async () => {
    const s = setup();
    const a = { msgId: 'msg_A', requestId: 'req_A', input: 900, write5m: 100, read: 500, output: 60 };
    fs.writeFileSync(
      s.claudeFile,
      lines(
        claudeUserLine(),
        claudeLine(a),
        claudeLine(a), // the same reply, written again for its next content block
        claudeLine({ ...a, requestId: 'req_btw', sidechain: true }), // a /btw replay of the same message
        claudeApiErrorLine(),
        claudeLine({ msgId: 'msg_B', requestId: 'req_B', input: 10, write1h: 2000, output: 100 }),
      ),
    );
    expect(await s.importer.sync()).toBe(2);
    const [ra, rb] = s.recorded;
    expect(ra!.usage).toEqual({ inputTokens: 1500, cacheReadTokens: 500, cacheWrite5mTokens: 100, cacheWrite1hTokens: 0, outputTokens: 60, reasoningTokens: 0 });
    // $3 in, $3.75 5-minute writes, $0.30 reads, $15 out per million (Sonnet 4.5)
    expect(ra!.costUsd).toBeCloseTo(0.004125, 12);
    expect(ra).toMatchObject({ source: 'logs', tool: 'claude-code', provider: 'anthropic', project: '/home/u/proj', session: 'bb25-session', upstreamId: 'msg_A', model: 'claude-sonnet-4-5', keyId: 'logs:claude-code', flags: [] });
    // $6 per million for 1-hour writes
    expect(rb!.usage.cacheWrite1hTokens).toBe(2000);
    expect(rb!.costUsd).toBeCloseTo(0.01353, 12);
    expect(await s.importer.sync()).toBe(0);
  });

  it('of the lines of one reply, keeps the one with the most tokens', async () => {
    const s = setup();
    const a = { msgId: 'msg_S', requestId: 'req_S', input: 1000 };
    fs.writeFileSync(s.claudeFile, lines(claudeLine({ ...a, output: 1 }), claudeLine({ ...a, output: 250 }), claudeLine({ ...a, output: 250 })));
    expect(await s.importer.sync()).toBe(1);
    expect(s.recorded[0]!.usage.outputTokens).toBe(250);
    expect(s.recorded[0]!.costUsd).toBeCloseTo((1000 * 3 + 250 * 15) / 1e6, 12);
  });

  it('prices long-context Sonnet 4 calls at the corrected tier, and unknown models as unpriced (not $0)', async () => {
    const s = setup();
    fs.writeFileSync(
      s.claudeFile,
      lines(
        claudeLine({ msgId: 'msg_L', requestId: 'req_L', model: 'claude-sonnet-4-20250514', input: 150_000, read: 100_000, write5m: 10_000, write1h: 10_000, output: 1000 }),
        claudeLine({ msgId: 'msg_U', requestId: 'req_U', model: 'claude-nonexistent-9', input: 100, output: 10 }),
      ),
    );
    expect(await s.importer.sync()).toBe(2);
    expect(s.recorded[0]!.costUsd).toBeCloseTo(1.1775, 9);
    expect(s.recorded[1]!.costUsd).toBeNull();
    expect(s.recorded[1]!.flags).toEqual(['unpriced']);
    expect(s.recorded[1]!.usage.inputTokens).toBe(100);
  });

  it('takes a half-written last line once it is complete, and lines appended between reads', async () => {
    const s = setup();
    const full = claudeLine({ msgId: 'msg_P', requestId: 'req_P', input: 1000, output: 100 });
    fs.writeFileSync(s.claudeFile, lines(claudeLine({ msgId: 'msg_1', input: 1000 })) + full.slice(0, 40));
    expect(await s.importer.sync()).toBe(1);
    fs.appendFileSync(s.claudeFile, full.slice(40) + '\n');
    expect(await s.importer.sync()).toBe(1);
    expect(s.recorded[1]!.costUsd).toBeCloseTo((1000 * 3 + 100 * 15) / 1e6, 12);
  });

  it('skips a call the proxy already recorded (by the upstream message id)', async () => {
    const s = setup({ proxied: ['msg_proxied'] });
    fs.writeFileSync(s.claudeFile, lines(claudeLine({ msgId: 'msg_proxied', input: 5000 }), claudeLine({ msgId: 'msg_direct', input: 1000 })));
    expect(await s.importer.sync()).toBe(1);
    expect(s.recorded.map((r) => r.upstreamId)).toEqual(['msg_direct']);
  });

  it('leaves out calls older than 30 days on the first import', async () => {
    const s = setup();
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    fs.writeFileSync(s.claudeFile, lines(claudeLine({ msgId: 'msg_old', input: 1000, ts: old }), claudeLine({ msgId: 'msg_new', input: 1000 })));
    expect(await s.importer.sync()).toBe(1);
    expect(s.recorded[0]!.upstreamId).toBe('msg_new');
  });

  it('resumes where it stopped after a restart, and does not count a rotated file again', async () => {
    const s = setup();
    fs.writeFileSync(s.claudeFile, lines(claudeLine({ msgId: 'msg_1', input: 1000 })));
    await s.importer.sync();
    const snap = JSON.parse(JSON.stringify(s.importer.snapshot())) as unknown;
    fs.appendFileSync(s.claudeFile, lines(claudeLine({ msgId: 'msg_2', input: 1000 })));
    const restarted = s.make(snap);
    expect(await restarted.sync()).toBe(1);
    // Rewritten from scratch (a new inode) with one old and one new call.
    fs.rmSync(s.claudeFile);
    fs.writeFileSync(s.claudeFile, lines(claudeLine({ msgId: 'msg_2', input: 1000 }), claudeLine({ msgId: 'msg_3', input: 1000 })));
    expect(await restarted.sync()).toBe(1);
    expect(s.recorded.map((r) => r.upstreamId)).toEqual(['msg_1', 'msg_2', 'msg_3']);
  });
});

describe('fresh lines', () => {
  it('are taken only after the grace (the proxy may still be recording the same call), Codex state intact', async () => {
    const s = setup({ graceMs: 400 });
    const turn = { input: 1200, cached: 300, output: 80, reasoning: 20 };
    fs.writeFileSync(s.codexFile, lines(codexMeta(), codexTurn('gpt-5'), codexCount(turn, turn)));
    expect(await s.importer.sync()).toBe(0);
    await new Promise((r) => setTimeout(r, 450));
    expect(await s.importer.sync()).toBe(1);
    expect(s.recorded[0]!.costUsd).toBeCloseTo(0.0019625, 12);
  });
});

describe('Codex rollouts', () => {
  const turn1 = { input: 1200, cached: 300, output: 80, reasoning: 20 };
  const total2 = { input: 3200, cached: 1300, output: 280, reasoning: 120 };
  const turn2 = { input: 2000, cached: 1000, output: 200, reasoning: 100 };

  it('counts each turn once from token_count: repeated counts are skipped, deltas from last_token_usage', async () => {
    const s = setup();
    fs.writeFileSync(s.codexFile, lines(codexMeta(), codexTurn('gpt-5'), codexCount(turn1, turn1), codexCount(turn1, turn1), codexCount(total2, turn2)));
    expect(await s.importer.sync()).toBe(2);
    const [a, b] = s.recorded;
    expect(a!.usage).toEqual({ inputTokens: 1200, cacheReadTokens: 300, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 80, reasoningTokens: 20 });
    // gpt-5: $1.25 in, $0.125 cached, $10 out (reasoning is inside output)
    expect(a!.costUsd).toBeCloseTo((900 * 1.25 + 300 * 0.125 + 80 * 10) / 1e6, 12);
    expect(b!.costUsd).toBeCloseTo((1000 * 1.25 + 1000 * 0.125 + 200 * 10) / 1e6, 12);
    expect(a).toMatchObject({ tool: 'codex', provider: 'openai', model: 'gpt-5', project: '/home/u/codex-proj', session: 'thread-1', source: 'logs' });
  });

  it('older rollouts without last_token_usage: the turn is the difference of cumulative totals', async () => {
    const s = setup();
    fs.writeFileSync(s.codexFile, lines(codexMeta(), codexTurn('gpt-5'), codexCount(turn1, null), codexCount(total2, null)));
    expect(await s.importer.sync()).toBe(2);
    expect(s.recorded[1]!.usage).toEqual({ inputTokens: 2000, cacheReadTokens: 1000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 200, reasoningTokens: 100 });
  });

  it('counts token_usage_record (0.171+) instead of token_count, and skips responses the proxy saw', async () => {
    const s = setup({ proxied: ['resp_proxied'] });
    fs.writeFileSync(
      s.codexFile,
      lines(codexMeta(), codexTurn('gpt-5'), codexRecord('resp_1', turn1), codexCount(turn1, turn1), codexRecord('resp_proxied', turn2), codexCount(total2, turn2)),
    );
    expect(await s.importer.sync()).toBe(1);
    expect(s.recorded[0]!.upstreamId).toBe('resp_1');
    expect(s.recorded[0]!.costUsd).toBeCloseTo(0.0019625, 12);
  });

  it('a rollout with no model is recorded unpriced, never at $0', async () => {
    const s = setup();
    fs.writeFileSync(s.codexFile, lines(codexMeta(), codexCount(turn1, turn1)));
    expect(await s.importer.sync()).toBe(1);
    expect(s.recorded[0]!.costUsd).toBeNull();
    expect(s.recorded[0]!.flags).toContain('unpriced');
  });
});

describe('files larger than one batch', () => {
  it('records every call once, each at its largest line, calls split across batch boundaries included', async () => {
    const s = setup();
    const calls = 4000;
    const parts: string[] = [];
    // Three lines a call, the largest last: wherever a batch ends, some call's lines straddle it.
    for (let i = 0; i < calls; i++) {
      const a = { msgId: `msg_${i}`, requestId: `req_${i}`, input: 1000 };
      parts.push(claudeLine({ ...a, output: 1 }), claudeLine({ ...a, output: 2 }), claudeLine({ ...a, output: 10 + (i % 97) }));
    }
    fs.writeFileSync(s.claudeFile, lines(...parts));
    expect(await s.importer.sync()).toBe(calls);
    expect(s.recorded).toHaveLength(calls);
    expect(new Set(s.recorded.map((r) => r.upstreamId)).size).toBe(calls);
    for (const r of s.recorded) expect(r.usage.outputTokens).toBe(10 + (Number(r.upstreamId!.slice(4)) % 97));
  });

  it('a long Codex rollout whose token_count lines come before its records counts the records only', async () => {
    const s = setup();
    const turns = 3000;
    const turn = { input: 100, cached: 0, output: 10, reasoning: 0 };
    const parts = [codexMeta(), codexTurn('gpt-5')];
    for (let i = 1; i <= turns; i++) {
      parts.push(codexCount({ input: 100 * i, cached: 0, output: 10 * i, reasoning: 0 }, turn), codexRecord(`resp_${i}`, turn));
    }
    fs.writeFileSync(s.codexFile, lines(...parts));
    expect(await s.importer.sync()).toBe(turns);
    expect(s.recorded.every((r) => r.upstreamId?.startsWith('resp_'))).toBe(true);
  });
});

describe('pacing', () => {
  it('waits between slices until what it recorded has been committed (room), then goes on where it was', async () => {
    let open = true;
    let waiting: (() => void) | null = null;
    let waits = 0;
    const s = setup({
      room: () => {
        waits++;
        return open ? Promise.resolve() : new Promise<void>((r) => (waiting = r));
      },
    });
    const calls = 6000;
    const parts: string[] = [];
    for (let i = 0; i < calls; i++) parts.push(claudeLine({ msgId: `msg_${i}`, requestId: `req_${i}`, input: 1000, output: 5 }));
    fs.writeFileSync(s.claudeFile, lines(...parts));
    open = false;
    let done = false;
    const sync = s.importer.sync().then((n) => ((done = true), n));
    const t0 = Date.now();
    while (!waiting && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 2));
    expect(waiting).not.toBeNull();
    // Held: nothing more is recorded, and the sync does not end.
    const held = s.recorded.length;
    expect(held).toBeLessThan(calls);
    await new Promise((r) => setTimeout(r, 100));
    expect(s.recorded.length).toBe(held);
    expect(done).toBe(false);
    open = true;
    waiting!();
    expect(await sync).toBe(calls);
    expect(new Set(s.recorded.map((r) => r.upstreamId)).size).toBe(calls);
    expect(waits).toBeGreaterThan(0);
  });

  it('rests longer between slices while the proxy is serving calls (busy), and still records every call', async () => {
    const run = async (busy: boolean) => {
      let asked = 0;
      const s = setup({ busy: () => (asked++, busy) });
      const calls = 20_000;
      const parts: string[] = [];
      for (let i = 0; i < calls; i++) parts.push(claudeLine({ msgId: `msg_${i}`, requestId: `req_${i}`, input: 1000, output: 5 }));
      fs.writeFileSync(s.claudeFile, lines(...parts));
      const t0 = performance.now();
      expect(await s.importer.sync()).toBe(calls);
      return { asked, ms: performance.now() - t0 };
    };
    const idle = await run(false);
    const busy = await run(true);
    // Asked once a slice (5 ms of work); a slice then takes its work and a rest of 3 ms, or of 10 ms while busy
    // (measured: about 9.5 and 16.5 ms a slice).
    expect(idle.asked).toBeGreaterThan(3);
    expect(busy.asked).toBeGreaterThan(3);
    expect(busy.ms / busy.asked - idle.ms / idle.asked).toBeGreaterThanOrEqual(4);
  });
});

describe('saving the import state', () => {
  it('hands it to the store once a sync of many files ends, not after each file, with every file in it', async () => {
    let saves = 0;
    const s = setup({ onChange: () => saves++ });
    const dir = path.dirname(s.claudeFile);
    for (let f = 0; f < 5; f++) fs.writeFileSync(path.join(dir, `s${f}.jsonl`), lines(claudeLine({ msgId: `msg_${f}`, requestId: `req_${f}`, input: 100, output: 5 })));
    expect(await s.importer.sync()).toBe(5);
    expect(saves).toBe(1);
    const snap = s.importer.snapshot();
    expect(Object.keys(snap.files)).toHaveLength(5);
    expect(loadImportState(snap).seen.has('cc:msg_4:req_4')).toBe(true);
    // Nothing new: nothing to save.
    expect(await s.importer.sync()).toBe(0);
    expect(saves).toBe(1);
  });

  it('with a keys file, keeps the keys there (written before the cursors are handed over), not in the snapshot', async () => {
    const keysFile = path.join(tempDir(), 'coding-logs-keys.bin');
    let saves = 0;
    let keysAtSave = -1;
    const s = setup({ keysFile, onChange: () => {
      saves++;
      keysAtSave = fs.statSync(keysFile).size;
    } });
    fs.writeFileSync(s.claudeFile, lines(claudeLine({ msgId: 'msg_1', requestId: 'req_1', input: 1000 })));
    expect(await s.importer.sync()).toBe(1);
    await vi.waitFor(() => expect(saves).toBe(1));
    // Magic, the history seq the keys reach, and two keys (message id with and without the request id), 8 bytes each.
    expect(keysAtSave).toBe(4 + 8 + 2 * 8);
    const snap = JSON.parse(JSON.stringify(s.importer.snapshot())) as Record<string, unknown>;
    expect(Object.keys(snap).sort()).toEqual(['files', 'version']);
    // After a restart, a rewritten file (new inode) with the old call and a new one counts the new one only.
    const restarted = s.make(snap);
    fs.rmSync(s.claudeFile);
    fs.writeFileSync(s.claudeFile, lines(claudeLine({ msgId: 'msg_1', requestId: 'req_1', input: 1000 }), claudeLine({ msgId: 'msg_2', input: 1000 })));
    expect(await restarted.sync()).toBe(1);
    expect(s.recorded.map((r) => r.upstreamId)).toEqual(['msg_1', 'msg_2']);
    // The keys came from the file: without it, the same restart counts msg_1 again.
    fs.rmSync(keysFile);
    fs.writeFileSync(s.claudeFile + '.tmp', fs.readFileSync(s.claudeFile));
    fs.rmSync(s.claudeFile);
    fs.renameSync(s.claudeFile + '.tmp', s.claudeFile);
    expect(await s.make(snap).sync()).toBe(2);
  });

  it('after a kill, recognises by the history the calls recorded after its keys were saved (they are counted there)', async () => {
    const keysFile = path.join(tempDir(), 'coding-logs-keys.bin');
    let seq = 40;
    const asked: number[] = [];
    const s = setup({ keysFile, lastSeq: () => seq, recordedSince: (after) => (asked.push(after), []) });
    // No keys file yet: every imported call in the history may be one this importer recorded.
    expect(asked).toEqual([0]);
    fs.writeFileSync(s.claudeFile, lines(claudeLine({ msgId: 'msg_1', requestId: 'req_1', input: 1000 })));
    expect(await s.importer.sync()).toBe(1);
    await vi.waitFor(() => expect(fs.existsSync(keysFile)).toBe(true));
    // Then msg_2 and msg_3 were recorded (seqs 41, 42) and the process was killed before its keys were saved again:
    // a restart from the saved state (cursor before them, keys without them) finds msg_2 in the history.
    const snap = JSON.parse(JSON.stringify(s.importer.snapshot())) as unknown;
    seq = 42;
    fs.appendFileSync(s.claudeFile, lines(claudeLine({ msgId: 'msg_2', requestId: 'req_2', input: 1000 }), claudeLine({ msgId: 'msg_3', requestId: 'req_3', input: 1000 })));
    const inHistory: ImportedCall[] = [{ upstreamId: 'msg_2', session: 'bb25-session', ts: 0, usage: { inputTokens: 0, outputTokens: 0 } }];
    const restarted = createCodingLogImporterFor(s, keysFile, snap, (after) => (asked.push(after), after === 40 ? inHistory : []));
    expect(asked).toEqual([0, 40]);
    expect(await restarted.sync()).toBe(1);
    expect(s.recorded.map((r) => r.upstreamId)).toEqual(['msg_1', 'msg_3']);
  });

  it('after a kill, recognises Codex turns counted from token_count lines (no upstream id) by session, time and tokens', async () => {
    const keysFile = path.join(tempDir(), 'coding-logs-keys.bin');
    let seq = 10;
    const s = setup({ keysFile, lastSeq: () => seq, recordedSince: () => [] });
    const t = Date.now() - 60_000;
    const at = (i: number) => new Date(t + i * 1000).toISOString();
    const u = (input: number, output: number) => ({ input, cached: 0, output, reasoning: 0 });
    fs.writeFileSync(s.codexFile, lines(codexMeta(), codexTurn('gpt-5'), codexCount(u(100, 10), u(100, 10), at(1))));
    expect(await s.importer.sync()).toBe(1);
    await vi.waitFor(() => expect(fs.existsSync(keysFile)).toBe(true));
    const snap = JSON.parse(JSON.stringify(s.importer.snapshot())) as unknown;
    // Turns 2 and 3 were recorded (seqs 11, 12), then the process was killed before it saved its keys again. The
    // history holds turn 2 only as it was recorded: as one record's fields, not the line's cumulative total.
    seq = 12;
    fs.appendFileSync(s.codexFile, lines(codexCount(u(300, 30), u(200, 20), at(2)), codexCount(u(700, 70), u(400, 40), at(3))));
    expect(await s.importer.sync()).toBe(2);
    const turn2 = s.recorded[1]!;
    expect(turn2.upstreamId).toBeUndefined();
    const inHistory: ImportedCall[] = [{ upstreamId: null, session: turn2.session ?? null, ts: turn2.ts, usage: turn2.usage }];
    s.recorded.splice(1);
    const restarted = createCodingLogImporterFor(s, keysFile, snap, (after) => (after === 10 ? inHistory : []));
    // Read again from the saved cursor: turn 2 is known, turn 3 (lost with the kill) is counted.
    expect(await restarted.sync()).toBe(1);
    expect(s.recorded.map((r) => r.usage.inputTokens)).toEqual([100, 400]);
  });
});
