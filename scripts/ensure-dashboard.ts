/**
 * Builds Tollgate (electron-vite build → out/) when the build is missing or older than its sources, so
 * `npm run serve` always runs and serves what the source says without paying for a build on every start.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// src/main holds the headless core that `npm run serve` runs, not only the contract the dashboard imports.
const INPUTS = ['src/renderer', 'src/main', 'src/preload', 'electron.vite.config.ts', 'package-lock.json'];
const OUTPUTS = ['out/renderer/index.html', 'out/main/headless.js'];

function newestMtime(p: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

export function dashboardStale(root = ROOT): string | null {
  let built = Infinity;
  for (const output of OUTPUTS) {
    try {
      built = Math.min(built, fs.statSync(path.join(root, output)).mtimeMs);
    } catch {
      return 'not built yet';
    }
  }
  for (const input of INPUTS) if (newestMtime(path.join(root, input)) > built) return `${input} changed since the last build`;
  return null;
}

/** Returns true when it built. Throws when the build fails. */
export function ensureDashboard(root = ROOT, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): boolean {
  const why = dashboardStale(root);
  if (!why) return false;
  log(`Building the dashboard (${why})…`);
  const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const r = spawnSync(bin, ['build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  if (r.status !== 0) throw new Error(`electron-vite build failed (${r.error?.message ?? `exit ${r.status}`})`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureDashboard();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
