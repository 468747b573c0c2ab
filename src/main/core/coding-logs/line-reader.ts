import fs from 'node:fs/promises';

/** Where a file was read to: its inode (a new inode is a rotated file) and the byte after the last complete line. */
export interface FileCursor {
  ino: number;
  offset: number;
  /** The file's first line (up to 256 bytes, hex): a file deleted and rewritten may get the same inode back. */
  head?: string;
  mtimeMs?: number;
}

const HEAD_BYTES = 256;

async function headOf(fh: fs.FileHandle): Promise<string> {
  const buf = Buffer.alloc(HEAD_BYTES);
  const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
  const nl = buf.subarray(0, bytesRead).indexOf(10);
  return buf.subarray(0, nl === -1 ? bytesRead : nl).toString('hex');
}

const CHUNK = 64 * 1024;

/**
 * Reads the complete lines of a file after a cursor, one at a time, so a month of logs never sits in memory.
 * A half-written last line (no newline yet) is left for the next read: the cursor stops before it. A file whose
 * inode changed or that shrank below the cursor was rotated or truncated, and is read again from the start.
 * `onLine` returning false stops the read before that line: the cursor then points at it. `afterChunk`, when
 * given, is awaited after the lines of each chunk read (every 64 KB): the caller's chance to work through what it
 * has collected so far instead of holding a whole file's worth. Lines without `only` (bytes), when given, are
 * passed over undecoded: most of a transcript is lines that carry no usage, some of them hundreds of KB.
 */
export async function readNewLines(
  file: string,
  cursor: FileCursor | null,
  onLine: (line: string) => boolean | void,
  afterChunk?: () => Promise<void>,
  only?: Buffer,
): Promise<FileCursor | null> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch {
    return null;
  }
  try {
    const st = await fh.stat();
    const head = await headOf(fh);
    const same = cursor !== null && cursor.ino === st.ino && cursor.offset <= st.size && (cursor.head === undefined || head.startsWith(cursor.head) || cursor.head.startsWith(head));
    let offset = same ? cursor.offset : 0;
    const buf = Buffer.allocUnsafe(CHUNK);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let pos = offset;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      let start = 0;
      for (let nl = buf.indexOf(10, 0); nl !== -1 && nl < bytesRead; nl = buf.indexOf(10, start)) {
        const part = buf.subarray(start, nl);
        if (only && !pendingBytes && part.indexOf(only) === -1) {
          offset += part.length + 1;
          start = nl + 1;
          continue;
        }
        const line = pendingBytes ? Buffer.concat([...pending, part]).toString('utf8') : part.toString('utf8');
        if (line.trim() && onLine(line) === false) return { ino: st.ino, offset, head, mtimeMs: st.mtimeMs };
        offset += pendingBytes + part.length + 1;
        pending = [];
        pendingBytes = 0;
        start = nl + 1;
      }
      if (start < bytesRead) {
        // Copied: the read buffer is reused for the next chunk.
        pending.push(Buffer.from(buf.subarray(start, bytesRead)));
        pendingBytes += bytesRead - start;
      }
      if (afterChunk) await afterChunk();
    }
    return { ino: st.ino, offset, head, mtimeMs: st.mtimeMs };
  } finally {
    await fh.close();
  }
}
