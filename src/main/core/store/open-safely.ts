import fs from 'node:fs';
import { backupPath, removeStaleTemps } from './atomic-file.js';

/**
 * Checks a store file before conf/electron-store opens it. Both throw on a file that does not parse; a crash
 * at start is the worst outcome for a tool that guards spend, so a bad file is moved aside (kept, never
 * deleted: it may hold the only copy of someone's ledger) and reported. A missing or bad file is replaced by
 * the previous save the writer keeps as `<file>.bak` (atomic-file.ts) when that one parses; otherwise Tollgate
 * starts fresh.
 */
export function quarantineIfCorrupt(file: string, now: number): string | null {
  removeStaleTemps(file, now);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return `could not read ${file}: ${(err as Error).message}`;
    const restored = restoreBackup(file);
    return restored ? `the data file ${file} was missing; Tollgate restored ${restored}` : null;
  }
  if (parsesAsObject(text)) return null;
  const aside = `${file}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    return `the data file ${file} is unreadable and could not be moved aside (${(err as Error).message})`;
  }
  const restored = restoreBackup(file);
  return `the data file ${file} was unreadable; it was moved to ${aside} and Tollgate ${restored ? `restored ${restored}` : 'started with a fresh one'}`;
}

function parsesAsObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** Copies a good backup into place; returns words for the report, or null when there is none to restore. */
function restoreBackup(file: string): string | null {
  const bak = backupPath(file);
  try {
    if (!parsesAsObject(fs.readFileSync(bak, 'utf8'))) return null;
    const savedAt = fs.statSync(bak).mtime.toISOString();
    fs.copyFileSync(bak, file);
    return `its previous save (of ${savedAt}) from ${bak}`;
  } catch {
    return null;
  }
}
