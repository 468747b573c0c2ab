import fs from 'node:fs';
import type { RequestRecord } from '../../contract/usage.js';

/**
 * The history's crash buffer: records answered but not yet in the database. An answer's last byte waits for one
 * append to this file (one write(2) for every record of the tick, a few µs), not for a SQLite commit (55–120 µs
 * of CPU each, measured in the bench's profile, most of a c=1 request's extra cost). The database takes the
 * records in larger commits a little later, off the answers' path, and the file is then emptied: it holds only
 * the last fraction of a second. A process killed in between leaves the records here, and the next start
 * writes them to the database before anything reads it.
 *
 * One JSON array per line, `[seq, record]`. A line cut short by a kill was never whole, so the write that
 * made it had not returned and its answer had not ended: it is skipped.
 */
export interface Journal {
  /** Appends these records in one write; false when the file cannot be written (the caller commits at once). */
  write(entries: readonly { seq: number; r: RequestRecord }[]): boolean;
  /** Every record written so far is in the database: the file starts again. */
  clear(): void;
  /** fsync, for the history's once-a-second group sync. */
  sync(): void;
  close(): void;
}

export const JOURNAL_SUFFIX = '-pending';

/** Records a previous process left in the journal (read once, before the journal is opened for writing). */
export function readJournal(file: string): { seq: number; r: RequestRecord }[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: { seq: number; r: RequestRecord }[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const [seq, r] = JSON.parse(line) as [unknown, unknown];
      if (typeof seq === 'number' && Number.isSafeInteger(seq) && r && typeof r === 'object') out.push({ seq, r: r as RequestRecord });
    } catch {}
  }
  return out;
}

/** Null when the file cannot be opened (a read-only folder): the history then commits each group at once. */
export function openJournal(file: string): Journal | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'a');
  } catch {
    return null;
  }
  let size = fs.fstatSync(fd).size;
  let unsynced = false;
  return {
    write(entries) {
      let text = '';
      for (const e of entries) text += JSON.stringify([e.seq, e.r]) + '\n';
      try {
        const buf = Buffer.from(text);
        let off = 0;
        while (off < buf.length) off += fs.writeSync(fd, buf, off);
        size += buf.length;
      } catch {
        // A part written before the failure would run into the next line: cut it off.
        try {
          fs.ftruncateSync(fd, size);
        } catch {}
        return false;
      }
      unsynced = true;
      return true;
    },
    clear() {
      if (size === 0) return;
      try {
        // Opened for appending: the next write goes to the new end, the start of the file.
        fs.ftruncateSync(fd, 0);
        size = 0;
      } catch {}
    },
    sync() {
      if (!unsynced) return;
      unsynced = false;
      fs.fsync(fd, () => {});
    },
    close() {
      try {
        fs.closeSync(fd);
      } catch {}
    },
  };
}
