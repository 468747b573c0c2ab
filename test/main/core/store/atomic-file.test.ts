import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleTemps, stampOf, writeFileAtomic, writeFileAtomicAsync } from '../../../../src/main/core/store/atomic-file.js';
import { createConfStore } from '../../../../src/main/core/store/conf-store.js';
import { quarantineIfCorrupt } from '../../../../src/main/core/store/open-safely.js';
import { tempDir } from '../../../support/harness.js';

describe('writeFileAtomic', () => {
  it('replaces the file whole and keeps the version it replaced as .bak', () => {
    const file = path.join(tempDir(), 'doc.json');
    writeFileAtomic(file, '{"v":1}', 0o600);
    expect(fs.existsSync(`${file}.bak`)).toBe(false);
    const stamp = writeFileAtomic(file, '{"v":2}', 0o600);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"v":2}');
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe('{"v":1}');
    expect(stampOf(file)).toEqual(stamp);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['doc.json', 'doc.json.bak']);
  });

  it('in the background: the same file and backup, or nothing when a later write came first', async () => {
    const file = path.join(tempDir(), 'doc.json');
    writeFileAtomic(file, '{"v":1}', 0o600);
    const stamp = await writeFileAtomicAsync(file, '{"v":2}', 0o600, () => ({ backup: true }));
    expect(fs.readFileSync(file, 'utf8')).toBe('{"v":2}');
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe('{"v":1}');
    expect(stampOf(file)).toEqual(stamp);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // Superseded while on its way: a synchronous write lands first, and the older document is dropped.
    const late = writeFileAtomicAsync(file, '{"v":3}', 0o600, () => null);
    writeFileAtomic(file, '{"v":4}', 0o600);
    expect(await late).toBeNull();
    expect(fs.readFileSync(file, 'utf8')).toBe('{"v":4}');
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['doc.json', 'doc.json.bak']);
  });

  it('in the background: a failed write rejects and leaves no temporary file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'doc.json');
    fs.mkdirSync(file);
    await expect(writeFileAtomicAsync(file, '{}', 0o600, () => ({ backup: false }))).rejects.toThrow(/EISDIR|EPERM|EEXIST/);
    expect(fs.readdirSync(dir)).toEqual(['doc.json']);
  });

  it('throws at once when it cannot replace the file, leaving no temporary file behind', () => {
    const dir = tempDir();
    // A directory where the file should be: the temporary file is written, then the rename fails.
    const file = path.join(dir, 'doc.json');
    fs.mkdirSync(file);
    const t0 = performance.now();
    expect(() => writeFileAtomic(file, '{"v":2}', 0o600)).toThrow(/EISDIR|EPERM|EEXIST/);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(fs.readdirSync(dir)).toEqual(['doc.json']);
  });

  it('recreates a data folder removed from under it', () => {
    const dir = path.join(tempDir(), 'gone');
    writeFileAtomic(path.join(dir, 'doc.json'), '{}', 0o600);
    expect(fs.readFileSync(path.join(dir, 'doc.json'), 'utf8')).toBe('{}');
  });

  it('start-up removes temporary files a killed writer left, but not a live one\'s', () => {
    const dir = tempDir();
    const file = path.join(dir, 'doc.json');
    fs.writeFileSync(`${file}.tmp-1-1`, 'old');
    fs.writeFileSync(`${file}.tmp-2-1`, 'new');
    const old = Date.now() / 1000 - 3600;
    fs.utimesSync(`${file}.tmp-1-1`, old, old);
    removeStaleTemps(file, Date.now());
    expect(fs.readdirSync(dir)).toEqual(['doc.json.tmp-2-1']);
  });
});

describe('the conf store notices a file changed behind its back', () => {
  it('reports a removal and each change once, keeping up to three changed files', () => {
    const dir = tempDir();
    const store = createConfStore(dir);
    const file = store.path!;
    store.load();
    expect(store.checkFile!()).toBeNull(); // nothing written yet
    store.write({ a: 1 });
    expect(store.checkFile!()).toBeNull();
    fs.unlinkSync(file);
    expect(store.checkFile!()).toEqual({ change: 'removed', keptAs: null });
    expect(store.checkFile!()).toBeNull();
    for (let i = 1; i <= 4; i++) {
      store.write({ a: i });
      fs.writeFileSync(file, `garbage ${i}`);
      const c = store.checkFile!()!;
      expect(c.change).toBe('changed');
      if (i <= 3) expect(fs.readFileSync(c.keptAs!, 'utf8')).toBe(`garbage ${i}`);
      else expect(c.keptAs).toBeNull();
    }
    expect(store.checkFile!()).toBeNull();
  });
});

describe('quarantineIfCorrupt restores the previous save', () => {
  it('for a missing file, and for one that does not parse', () => {
    const dir = tempDir();
    const file = path.join(dir, 'tollgate.json');
    fs.writeFileSync(`${file}.bak`, '{"ledger":1}');
    expect(quarantineIfCorrupt(file, Date.now())).toMatch(/was missing; Tollgate restored its previous save/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"ledger":1}');
    fs.writeFileSync(file, '{"ledg');
    expect(quarantineIfCorrupt(file, Date.now())).toMatch(/was unreadable; it was moved to .*corrupt-.* and Tollgate restored its previous save/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"ledger":1}');
  });

  it('starts fresh when the previous save does not parse either', () => {
    const dir = tempDir();
    const file = path.join(dir, 'tollgate.json');
    fs.writeFileSync(file, 'x');
    fs.writeFileSync(`${file}.bak`, 'y');
    expect(quarantineIfCorrupt(file, Date.now())).toMatch(/started with a fresh one/);
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('the backup only ever holds a version Tollgate wrote', () => {
  it('a damaged file that is rewritten in place does not become the backup', () => {
    const dir = tempDir();
    const store = createConfStore(dir);
    const file = store.path!;
    store.load();
    store.write({ v: 1 });
    store.write({ v: 2 });
    expect(JSON.parse(fs.readFileSync(`${file}.bak`, 'utf8'))).toEqual({ v: 1 });
    fs.writeFileSync(file, ''); // emptied: not kept aside, rewritten over
    store.write({ v: 3 });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ v: 3 });
    expect(JSON.parse(fs.readFileSync(`${file}.bak`, 'utf8'))).toEqual({ v: 1 });
    store.write({ v: 4 });
    expect(JSON.parse(fs.readFileSync(`${file}.bak`, 'utf8'))).toEqual({ v: 3 });
  });
});
