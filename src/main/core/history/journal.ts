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
 *
 * Two segments, the file and the file with SEGMENT_SUFFIX: while the records of one are being committed (off the
 * main thread), new ones go to the other, so each can be emptied as soon as its own records are in the
 * database, however steadily new ones arrive.
 */
export interface Journal {
  /**
   * Appends these records in one write; false when the file cannot be written (the caller commits at once).
   * `background`: no answer waits for these records, so the write is left to libuv's threads rather than made on
   * the event loop; a write still on its way when the segment is emptied may land after it, which a restart
   * reads as records already committed (INSERT OR IGNORE by seq), never as new ones.
   */
  write(entries: readonly { seq: number; r: RequestRecord }[], background?: boolean): boolean;
  /**
   * The records written so far go to the database in the background (commit-worker.ts), while new ones keep
   * coming: later writes go to the other segment, and this returns the segment that holds them, to release()
   * once they are committed. Null when the other segment still holds records (they stay until clear()).
   */
  seal(): number | null;
  /** The records of a sealed segment are in the database: it starts again. */
  release(segment: number): void;
  /**
   * Every record written so far is in the database: both segments start again (emptied in the background, as
   * release() does, where the other segment can take the records meanwhile).
   */
  clear(): void;
  /** fsync, for the history's once-a-second group sync. */
  sync(): void;
  /** Resolves once the background writes made so far have landed (history.ts durable). */
  landed(): Promise<void>;
  close(): void;
}

export const JOURNAL_SUFFIX = '-pending';
const MAX_BACKGROUND_WRITES = 4;
/** The second segment's name, after the first's. */
export const SEGMENT_SUFFIX = '-2';

const segmentFiles = (file: string) => [file, file + SEGMENT_SUFFIX] as const;

/** Records a previous process left in the journal, oldest first (read once, before the journal is opened for writing). */
export function readJournal(file: string): { seq: number; r: RequestRecord }[] {
  const out: { seq: number; r: RequestRecord }[] = [];
  for (const f of segmentFiles(file)) out.push(...readSegment(f));
  return out.sort((a, b) => a.seq - b.seq);
}

function readSegment(file: string): { seq: number; r: RequestRecord }[] {
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

/** Deletes both segments (a clean stop, every record in the database). */
export function removeJournal(file: string): void {
  for (const f of segmentFiles(file)) fs.rmSync(f, { force: true });
}

interface Segment {
  fd: number;
  size: number;
  unsynced: boolean;
  /** A truncation is on its way (truncateInBackground). */
  emptying: boolean;
  /** Background writes on their way: the descriptor stays open until they are done. */
  writing: number;
}

/** Null when the file cannot be opened (a read-only folder): the history then commits each group at once. */
export function openJournal(file: string): Journal | null {
  const segs: Segment[] = [];
  for (const f of segmentFiles(file)) {
    try {
      const fd = fs.openSync(f, 'a');
      segs.push({ fd, size: fs.fstatSync(fd).size, unsynced: false, emptying: false, writing: 0 });
    } catch {
      for (const s of segs) fs.closeSync(s.fd);
      return null;
    }
  }
  let active = 0;
  let closed = false;
  /** Background writes on their way, each until it lands (or fails). */
  const landing = new Set<Promise<void>>();
  /**
   * Closes a segment's descriptor once nothing is on its way to it: closed under a background write or truncation,
   * its number could be reused by another file before that runs.
   */
  const closeFd = (s: Segment) => {
    if (s.emptying || s.writing > 0 || s.fd < 0) return;
    try {
      fs.closeSync(s.fd);
    } catch {}
    s.fd = -1;
  };
  const truncate = (s: Segment) => {
    if (s.size === 0 || s.emptying) return;
    try {
      // Opened for appending: the next write goes to the new end, the start of the file.
      fs.ftruncateSync(s.fd, 0);
      s.size = 0;
    } catch {}
  };
  /**
   * Empties a sealed segment off the event loop: freeing a file's blocks took 4–8 ms of the main thread while a log
   * import kept the disk busy. Its size stays as it was until the truncation is done, so seal() cannot make it the
   * active segment before then, and no record is written to it meanwhile.
   */
  const truncateInBackground = (s: Segment) => {
    if (s.size === 0 || s.emptying) return;
    s.emptying = true;
    fs.ftruncate(s.fd, 0, (err) => {
      s.emptying = false;
      if (!err) s.size = 0;
      if (closed) closeFd(s);
    });
  };
  return {
    write(entries, background) {
      const s = segs[active]!;
      let text = '';
      for (const e of entries) text += JSON.stringify([e.seq, e.r]) + '\n';
      // A disk slower than the records come would pile up their buffers: past a few writes on their way, the
      // next one waits on the event loop, as every write did before.
      if (background && s.writing < MAX_BACKGROUND_WRITES) {
        const buf = Buffer.from(text);
        // Appended as one write(2) at the file's end (opened with O_APPEND), whenever it runs. A failure is not
        // reported: these records are committed as the others are, and only lose their crash copy.
        s.writing++;
        let done!: () => void;
        const p = new Promise<void>((r) => (done = r));
        landing.add(p);
        fs.write(s.fd, buf, 0, buf.length, null, () => {
          s.writing--;
          landing.delete(p);
          done();
          if (closed) closeFd(s);
        });
        s.size += buf.length;
        s.unsynced = true;
        return true;
      }
      try {
        const buf = Buffer.from(text);
        let off = 0;
        while (off < buf.length) off += fs.writeSync(s.fd, buf, off);
        s.size += buf.length;
      } catch {
        // A part written before the failure would run into the next line: cut it off.
        try {
          fs.ftruncateSync(s.fd, s.size);
        } catch {}
        return false;
      }
      s.unsynced = true;
      return true;
    },
    seal() {
      const other = 1 - active;
      if (segs[other]!.size > 0) return null;
      const sealed = active;
      active = other;
      return sealed;
    },
    release(segment) {
      if (segment !== active) truncateInBackground(segs[segment]!);
    },
    clear() {
      const a = segs[active]!;
      const other = segs[1 - active]!;
      // Off the event loop where it can be: a synchronous truncation of the segment an import had filled stalled
      // every proxied call for 16 ms. New records then go to the other segment, empty by now, while this one is
      // emptied; when the other is still being emptied itself, this one is truncated at once, as before.
      if (a.size > 0 && other.size === 0 && !other.emptying) {
        active = 1 - active;
        truncateInBackground(a);
      } else truncate(a);
      truncateInBackground(other);
    },
    sync() {
      for (const s of segs) {
        if (!s.unsynced) continue;
        s.unsynced = false;
        s.writing++;
        fs.fsync(s.fd, () => {
          s.writing--;
          if (closed) closeFd(s);
        });
      }
    },
    landed: () => (landing.size ? Promise.all([...landing]).then(() => undefined) : Promise.resolve()),
    close() {
      closed = true;
      for (const s of segs) closeFd(s);
    },
  };
}
