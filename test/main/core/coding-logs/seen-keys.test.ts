import { describe, expect, it } from 'vitest';
import { loadImportState } from '../../../../src/main/core/coding-logs/import-state.js';
import { createSeenKeys } from '../../../../src/main/core/coding-logs/seen-keys.js';

describe('the hashed keys of calls already taken', () => {
  it('stay bounded, keep the newest `max` always, and forget the oldest first', () => {
    const seen = createSeenKeys(1000);
    for (let i = 0; i < 50_000; i++) seen.add(`k${i}`);
    expect(seen.size).toBeGreaterThanOrEqual(1000);
    expect(seen.size).toBeLessThanOrEqual(2000);
    for (let i = 49_000; i < 50_000; i++) expect(seen.has(`k${i}`)).toBe(true);
    expect(seen.has('k0')).toBe(false);
    expect(seen.has('k47000')).toBe(false);
    expect(seen.has('never added')).toBe(false);
  });

  it('adding a key twice keeps one', () => {
    const seen = createSeenKeys(10);
    seen.add('cc:msg_1:req_1');
    seen.add('cc:msg_1:req_1');
    expect(seen.size).toBe(1);
  });

  it('a million distinct keys through a 100,000 bound: no false hit, no miss among the kept, quickly', () => {
    const seen = createSeenKeys(100_000);
    const t = performance.now();
    let falseHits = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const k = `cc:msg_${i.toString(36).padStart(10, '0')}:req_${i}`;
      if (seen.has(k)) falseHits++;
      seen.add(k);
    }
    const ms = performance.now() - t;
    expect(falseHits).toBe(0);
    for (let i = 900_000; i < 1_000_000; i++) expect(seen.has(`cc:msg_${i.toString(36).padStart(10, '0')}:req_${i}`)).toBe(true);
    expect(ms).toBeLessThan(5_000);
  });

  it('round-trip through the store as one base64 string, oldest first, the bound still applying', () => {
    const a = createSeenKeys(100);
    for (let i = 0; i < 250; i++) a.add(`k${i}`);
    const packed = a.encode();
    expect(typeof packed).toBe('string');
    expect(Buffer.from(packed, 'base64').length).toBe(8 * a.size);
    const b = createSeenKeys(100);
    b.decode(packed);
    expect(b.size).toBe(a.size);
    for (let i = 150; i < 250; i++) expect(b.has(`k${i}`)).toBe(true);
    // Loaded into a smaller store, the newest are the ones kept.
    const c = createSeenKeys(20);
    c.decode(packed);
    for (let i = 230; i < 250; i++) expect(c.has(`k${i}`)).toBe(true);
    expect(c.has('k0')).toBe(false);
  });

  it('a version 1 state (keys as strings) still loads, and the version 2 snapshot keeps what it had', () => {
    const v1 = { version: 1, files: { '/x.jsonl': { ino: 5, offset: 10 } }, seen: ['cc:msg_1:req_1', 'cc:msg_1'] };
    const s = loadImportState(v1);
    expect(s.seen.has('cc:msg_1:req_1')).toBe(true);
    expect(s.seen.has('cc:msg_1')).toBe(true);
    expect(s.seen.has('cc:msg_2')).toBe(false);
    expect(s.files.get('/x.jsonl')).toEqual({ ino: 5, offset: 10 });
    const again = loadImportState({ version: 2, files: {}, keys: s.seen.encode() });
    expect(again.seen.has('cc:msg_1:req_1')).toBe(true);
    expect(loadImportState({ version: 2, files: {}, keys: 42 }).seen.size).toBe(0);
  });
});
