import fs from 'node:fs';
import path from 'node:path';

/** Identifies the file as Tollgate last wrote it: a rename brings a new inode, an edit a new size or mtime. */
export interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

export const sameStamp = (a: FileStamp, b: FileStamp) => a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;

/** The file's stamp, or null when it does not exist. */
export function stampOf(file: string): FileStamp | null {
  try {
    const s = fs.statSync(file);
    return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export const backupPath = (file: string) => `${file}.bak`;
export const TEMP_MARK = '.tmp-';

let seq = 0;

/**
 * Replaces a whole file atomically: a temporary sibling, fsync, rename. The version it replaces stays behind as
 * `<file>.bak` (a hard link, so no data is copied), which start-up restores when the file is missing or unreadable;
 * `backup: false` leaves the old backup alone (the file being replaced is not one worth keeping).
 *
 * conf's own writer (the `atomically` package) retries EACCES and EPERM in a synchronous busy loop for up to a
 * second, which froze the proxy on every flush while the data folder was read-only. This one never retries: it
 * throws at once, and persistence keeps the data dirty and tries again on its next flush.
 */
export function writeFileAtomic(file: string, data: string, mode: number, opts: { backup?: boolean } = {}): FileStamp {
  const tmp = tempName(file);
  let fd: number | null = null;
  try {
    try {
      fd = fs.openSync(tmp, 'w', mode);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // The whole data folder was removed while running (conf recreates it too): put it back, private.
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fd = fs.openSync(tmp, 'w', mode);
    }
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    const st = fs.fstatSync(fd);
    fs.closeSync(fd);
    fd = null;
    if (opts.backup !== false) keepPrevious(file);
    fs.renameSync(tmp, file);
    return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {}
    }
    removeTemp(tmp);
    throw err;
  }
}

/**
 * writeFileAtomic with its slow part off the event loop: the temporary file is written and fsynced on libuv's
 * threads (the store's once-a-second flush waited 3–26 ms for fsync on the main thread while a log import kept the
 * disk busy, and every proxied call waited with it). The backup link and the rename stay synchronous, taken once
 * the data is durable, and only if `ready()` still agrees then: null from it means a later write has replaced the
 * file meanwhile, and this older document is dropped rather than put over it (the result is then null).
 */
export async function writeFileAtomicAsync(
  file: string,
  data: string,
  mode: number,
  ready: () => { backup: boolean } | null,
): Promise<FileStamp | null> {
  const tmp = tempName(file);
  let h: fs.promises.FileHandle | null = null;
  try {
    try {
      h = await fs.promises.open(tmp, 'w', mode);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      h = await fs.promises.open(tmp, 'w', mode);
    }
    await h.writeFile(data);
    await h.sync();
    const st = await h.stat();
    await h.close();
    h = null;
    const go = ready();
    if (!go) {
      removeTemp(tmp);
      return null;
    }
    if (go.backup) keepPrevious(file);
    fs.renameSync(tmp, file);
    return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    await h?.close().catch(() => {});
    removeTemp(tmp);
    throw err;
  }
}

const tempName = (file: string) => `${file}${TEMP_MARK}${process.pid}-${++seq}`;

/** A half-written temporary file would hold on to the space a full disk needs for the next try. */
function removeTemp(tmp: string) {
  try {
    fs.unlinkSync(tmp);
  } catch {}
}

/** Best effort: a file system without hard links simply has no backup. */
function keepPrevious(file: string): void {
  const tmp = `${backupPath(file)}${TEMP_MARK}${process.pid}`;
  try {
    try {
      fs.linkSync(file, tmp);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return;
      fs.unlinkSync(tmp);
      fs.linkSync(file, tmp);
    }
    fs.renameSync(tmp, backupPath(file));
  } catch {
    try {
      fs.unlinkSync(tmp);
    } catch {}
  }
}

/** Temporary files a killed process left beside `file` (older than `olderThanMs`, so never a live writer's). */
export function removeStaleTemps(file: string, now: number, olderThanMs = 30_000): void {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(base) || !n.includes(TEMP_MARK)) continue;
    try {
      const p = path.join(dir, n);
      if (now - fs.statSync(p).mtimeMs > olderThanMs) fs.unlinkSync(p);
    } catch {}
  }
}
