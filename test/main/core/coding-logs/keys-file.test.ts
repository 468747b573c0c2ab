import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKeysFile, writeKeysFile, writeKeysFileSync } from '../../../../src/main/core/coding-logs/keys-file.js';
import { tempDir } from '../../../support/harness.js';

describe('the keys file', () => {
  it('round-trips, replaces the previous version whole, and leaves no temporary file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'keys.bin');
    expect(readKeysFile(file)).toBeNull();
    await writeKeysFile(file, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), 41);
    expect([...readKeysFile(file)!.keys]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(readKeysFile(file)!.seq).toBe(41);
    writeKeysFileSync(file, Buffer.from([9, 9, 9, 9, 9, 9, 9, 9]), 1_000_000_123);
    expect([...readKeysFile(file)!.keys]).toEqual([9, 9, 9, 9, 9, 9, 9, 9]);
    expect(readKeysFile(file)!.seq).toBe(1_000_000_123);
    expect(fs.readdirSync(dir)).toEqual(['keys.bin']);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a write that became stale meanwhile (a newer one was written on exit) is dropped', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'keys.bin');
    writeKeysFileSync(file, Buffer.alloc(8, 2), 2);
    await writeKeysFile(file, Buffer.alloc(8, 1), 1, () => true);
    expect([...readKeysFile(file)!.keys]).toEqual([...Buffer.alloc(8, 2)]);
    expect(fs.readdirSync(dir)).toEqual(['keys.bin']);
  });

  it('a file that is not one of ours reads as none; a failed write rejects and leaves the old file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'keys.bin');
    fs.writeFileSync(file, 'not keys at all');
    expect(readKeysFile(file)).toBeNull();
    await expect(writeKeysFile(path.join(dir, 'missing', 'keys.bin'), Buffer.alloc(8), 0)).rejects.toThrow();
    expect(fs.readdirSync(dir)).toEqual(['keys.bin']);
  });

  it('reads a version 1 file (no seq) as its keys, covering no known seq', () => {
    const file = path.join(tempDir(), 'keys.bin');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('TGK1'), Buffer.alloc(16, 7)]));
    const r = readKeysFile(file)!;
    expect([...r.keys]).toEqual([...Buffer.alloc(16, 7)]);
    expect(r.seq).toBeNull();
  });
});
