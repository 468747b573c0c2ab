import fs from 'node:fs';

/**
 * Checks a store file before conf/electron-store opens it. Both throw on a file that does not parse; a crash
 * at start is the worst outcome for a tool that guards spend, so a bad file is moved aside (kept, never
 * deleted: it may hold the only copy of someone's ledger) and reported, and Tollgate starts fresh.
 */
export function quarantineIfCorrupt(file: string, now: number): string | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return `could not read ${file}: ${(err as Error).message}`;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return null;
  } catch {
    // fall through: unparseable
  }
  const aside = `${file}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  try {
    fs.renameSync(file, aside);
    return `the data file ${file} was unreadable; it was moved to ${aside} and Tollgate started with a fresh one`;
  } catch (err) {
    return `the data file ${file} is unreadable and could not be moved aside (${(err as Error).message})`;
  }
}
