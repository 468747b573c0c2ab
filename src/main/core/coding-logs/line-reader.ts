import fs from 'node:fs/promises';

/** Where a file was read to: its inode (a new inode is a rotated file) and the byte after the last complete line. */
export interface FileCursor {
  ino: number;
  offset: number;
}

const CHUNK = 64 * 1024;

/**
 * Reads the complete lines of a file after a cursor, one at a time, so a month of logs never sits in memory.
 * A half-written last line (no newline yet) is left for the next read: the cursor stops before it. A file whose
 * inode changed or that shrank below the cursor was rotated or truncated, and is read again from the start.
 */
export async function readNewLines(file: string, cursor: FileCursor | null, onLine: (line: string) => void): Promise<FileCursor | null> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch {
    return null;
  }
  try {
    const st = await fh.stat();
    let offset = cursor && cursor.ino === st.ino && cursor.offset <= st.size ? cursor.offset : 0;
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
        const line = pendingBytes ? Buffer.concat([...pending, part]).toString('utf8') : part.toString('utf8');
        offset += pendingBytes + part.length + 1;
        pending = [];
        pendingBytes = 0;
        start = nl + 1;
        if (line.trim()) onLine(line);
      }
      if (start < bytesRead) {
        // Copied: the read buffer is reused for the next chunk.
        pending.push(Buffer.from(buf.subarray(start, bytesRead)));
        pendingBytes += bytesRead - start;
      }
    }
    return { ino: st.ino, offset };
  } finally {
    await fh.close();
  }
}
