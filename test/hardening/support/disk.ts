/** Real disk conditions for the disk-fault tests: a tiny tmpfs to fill, a read-only remount, another user. */
import { execFileSync, spawnSync } from 'node:child_process';
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

/**
 * Who runs Tollgate in the read-only-folder tests. Root ignores folder permissions, so root runs it as nobody,
 * which must be allowed (CAP_SETUID) and able to read the checkout; anyone else runs it as themselves.
 */
export function readOnlyRunner(files: string[]): { uid?: number; gid?: number } | { skipped: string } {
  if (process.platform === 'win32') return { skipped: 'folder permissions work differently on Windows' };
  if (!isRoot()) return {};
  const probe = `const fs = require('node:fs'); for (const f of ${JSON.stringify(files)}) fs.accessSync(f, fs.constants.R_OK);`;
  const r = spawnSync(process.execPath, ['-e', probe], { uid: NOBODY, gid: NOBODY, stdio: 'pipe' });
  if (r.error) return { skipped: `running as nobody was refused here (${r.error.message})` };
  if (r.status !== 0) return { skipped: `nobody cannot read the checkout (${String(r.stderr).split('\n').find((l) => l.startsWith('Error')) ?? 'access denied'})` };
  return { uid: NOBODY, gid: NOBODY };
}
