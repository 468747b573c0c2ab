import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNewLines, type FileCursor } from '../../../../src/main/core/coding-logs/line-reader.js';
import { tempDir } from '../../../support/harness.js';

async function read(file: string, cursor: FileCursor | null) {
  const lines: string[] = [];
  const next = await readNewLines(file, cursor, (l) => {
    lines.push(l);
  });
  return { lines, next };
}

describe('readNewLines', () => {
  it('consumes only complete lines: a half-written last line waits for its newline', async () => {
    const file = path.join(tempDir(), 'a.jsonl');
    fs.writeFileSync(file, '{"a":1}\n{"b":2}\n{"c":');
    const first = await read(file, null);
    expect(first.lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(first.next!.offset).toBe(16);
    fs.appendFileSync(file, '3}\n');
    const second = await read(file, first.next);
    expect(second.lines).toEqual(['{"c":3}']);
    expect(second.next!.offset).toBe(fs.statSync(file).size);
    expect((await read(file, second.next)).lines).toEqual([]);
  });

  it('reads lines longer than its buffer and multi-byte text split across reads', async () => {
    const file = path.join(tempDir(), 'long.jsonl');
    const long = JSON.stringify({ t: 'é'.repeat(100_000) });
    fs.writeFileSync(file, `${long}\n{"z":1}\n`);
    expect((await read(file, null)).lines).toEqual([long, '{"z":1}']);
  });

  it('starts over after truncation or rotation (a new inode)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    fs.writeFileSync(file, '{"a":1}\n{"b":2}\n');
    const { next } = await read(file, null);
    fs.writeFileSync(file, '{"c":3}\n');
    expect((await read(file, next)).lines).toEqual(['{"c":3}']);
    const again = (await read(file, null)).next!;
    fs.renameSync(file, path.join(dir, 'old.jsonl'));
    fs.writeFileSync(file, '{"d":4}\n{"e":5}\n{"f":6}\n');
    expect((await read(file, again)).lines).toEqual(['{"d":4}', '{"e":5}', '{"f":6}']);
  });

  it('stops before a line the reader refuses, and resumes at it', async () => {
    const file = path.join(tempDir(), 's.jsonl');
    fs.writeFileSync(file, '{"a":1}\n{"b":2}\n');
    const seen: string[] = [];
    const c = await readNewLines(file, null, (l) => (l.includes('b') ? false : void seen.push(l)));
    expect(c!.offset).toBe(8);
    expect((await read(file, c)).lines).toEqual(['{"b":2}']);
  });

  it('a missing file is no cursor', async () => {
    expect(await readNewLines(path.join(tempDir(), 'none.jsonl'), null, () => {})).toBeNull();
  });

  it('passes over lines without the wanted bytes, still counting them in the cursor, and stops where asked', async () => {
    const file = path.join(tempDir(), 'only.jsonl');
    const long = `{"x":"${'é'.repeat(70_000)}","usage":1}`;
    fs.writeFileSync(file, `{"a":1}\n{"usage":2}\n${long}\n{"b":3}\n{"usage":4}\n{"usage":5}\n{"c":`);
    const seen: string[] = [];
    const c = await readNewLines(file, null, (l) => (l.includes('5') ? false : void seen.push(l)), undefined, Buffer.from('"usage"'));
    // The long line crosses a 64 KB chunk: it is decoded and checked whole.
    expect(seen).toEqual(['{"usage":2}', long, '{"usage":4}']);
    expect(c!.offset).toBe(Buffer.byteLength(`{"a":1}\n{"usage":2}\n${long}\n{"b":3}\n{"usage":4}\n`));
  });
});
