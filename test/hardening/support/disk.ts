/** Real disk conditions for the disk-fault tests: a tiny tmpfs to fill, a read-only remount, another user. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const isRoot = () => process.getuid?.() === 0;

/** The uid a root test runs Tollgate as, so that folder permissions bind it (root ignores them). */
export const NOBODY = 65534;

export interface Tmpfs {
  dir: string;
  remount(mode: 'ro' | 'rw'): void;
  /** Writes a filler file until the file system is full; returns its path. */
  fill(): string;
  unmount(): void;
}

/** Mounts a tmpfs of `sizeKiB`; returns null with the reason when mounting is not permitted here. */
export function mountTmpfs(sizeKiB: number): Tmpfs | { skipped: string } {
  if (process.platform !== 'linux') return { skipped: 'tmpfs mounts need Linux' };
  if (!isRoot()) return { skipped: 'mounting a tmpfs needs root' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-tmpfs-'));
  const opts = `size=${sizeKiB}k,mode=0700`;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', opts, 'tollgate-test', dir], { stdio: 'pipe' });
  } catch (err) {
    fs.rmdirSync(dir);
    return { skipped: `mount -t tmpfs was refused here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})` };
  }
  return {
    dir,
    remount(mode) {
      execFileSync('mount', ['-o', `remount,${mode}`, dir], { stdio: 'pipe' });
    },
    fill() {
      const filler = path.join(dir, 'filler');
      const fd = fs.openSync(filler, 'w');
      const block = Buffer.alloc(4096, 120);
      try {
        for (;;) fs.writeSync(fd, block);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        fs.closeSync(fd);
      }
      // Also use up the last partial block.
      try {
        fs.appendFileSync(filler, Buffer.alloc(512, 120));
      } catch {}
      return filler;
    },
    unmount() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
        fs.rmdirSync(dir);
      } catch {}
    },
  };
}

export function chownTree(dir: string, uid: number): void {
  fs.chownSync(dir, uid, uid);
  for (const n of fs.readdirSync(dir)) fs.chownSync(path.join(dir, n), uid, uid);
}
