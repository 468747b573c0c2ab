import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportedCall } from '../../../../src/main/core/history/reads.js';
import { createImportSaver } from '../../../../src/main/core/coding-logs/import-saver.js';
import { readKeysFile } from '../../../../src/main/core/coding-logs/keys-file.js';
import { createSeenKeys } from '../../../../src/main/core/coding-logs/seen-keys.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';
import { createSilentLogger } from '../../../../src/main/core/util/log.js';
import { tempDir } from '../../../support/harness.js';

const call = (over: Partial<ImportedCall>): ImportedCall => ({ upstreamId: null, session: null, ts: 0, usage: { inputTokens: 0, outputTokens: 0 }, ...over });

function saver(keysFile: string, o: { seq: () => number; since?: (seq: number) => ImportedCall[]; changes?: () => void }) {
  const seen = createSeenKeys(1000);
  const clock = createManualClock();
  const s = createImportSaver({ keysFile, seen, lastSeq: o.seq, recordedSince: o.since, clock, log: createSilentLogger(), onChange: o.changes ?? (() => {}) });
  return { s, seen, clock };
}

describe('the import saver', () => {
  it('a stop saves the keys at once, with the seq they reach, when they changed or other calls were recorded since', () => {
    const file = path.join(tempDir(), 'keys.bin');
    let seq = 7;
    let changes = 0;
    const { s, seen } = saver(file, { seq: () => seq, changes: () => changes++ });
    // Nothing recorded, nothing changed: nothing to write.
    seq = 0;
    s.stop();
    expect(fs.existsSync(file)).toBe(false);
    // Behind: calls were recorded (by the proxy) since; the next start must not look for imports before seq 7.
    seq = 7;
    s.stop();
    expect(readKeysFile(file)?.seq).toBe(7);
    expect(changes).toBe(1);
    seen.add('cc:msg_1');
    s.changed();
    seq = 9;
    s.stop();
    const kept = readKeysFile(file)!;
    expect(kept.seq).toBe(9);
    const back = createSeenKeys(1000);
    back.decodeBytes(kept.keys);
    expect(back.has('cc:msg_1')).toBe(true);
    // Up to date: a second stop writes nothing more.
    s.stop();
    expect(changes).toBe(2);
  });

  it('recognises the calls the history holds after the saved seq, until a sync has read past them', () => {
    const file = path.join(tempDir(), 'keys.bin');
    // A previous run saved keys reaching seq 3.
    const first = saver(file, { seq: () => 3 });
    first.s.stop();
    const asked: number[] = [];
    const codexTurn = call({ session: 'thread-1', ts: 1_700_000_000_000, usage: { inputTokens: 10, outputTokens: 2 } });
    const { s } = saver(file, { seq: () => 5, since: (after) => (asked.push(after), [call({ upstreamId: 'msg_4' }), codexTurn, call({})]) });
    expect(asked).toEqual([3]);
    expect(s.recordedBefore(call({ upstreamId: 'msg_4' }))).toBe(true);
    expect(s.recordedBefore(codexTurn)).toBe(true);
    // Same session and time, other tokens: another call.
    expect(s.recordedBefore({ ...codexTurn, usage: { inputTokens: 11, outputTokens: 2 } })).toBe(false);
    expect(s.recordedBefore(call({ upstreamId: 'msg_5' }))).toBe(false);
    // Nothing identifies a call with neither an upstream id nor a session.
    expect(s.recordedBefore(call({}))).toBe(false);
    s.synced();
    expect(s.recordedBefore(call({ upstreamId: 'msg_4' }))).toBe(false);
  });
});
