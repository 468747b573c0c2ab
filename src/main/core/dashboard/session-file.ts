import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { writeFileAtomic } from '../store/atomic-file.js';

/** Session ids are stored hashed: a copy of the data folder (a backup, a bug report) must not sign anyone in. */
export const hashSessionId = (id: string) => createHash('sha256').update(id).digest('base64url');

/** hash → expiry (ms since the epoch), oldest first. Anything unreadable counts as no sessions: people sign in again. */
export function readSessionFile(file: string, now: number): Map<string, number> {
  const out = new Map<string, number>();
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return out;
  }
  const list = (raw as { sessions?: unknown } | null)?.sessions;
  if (!Array.isArray(list)) return out;
  const rows: [string, number][] = [];
  for (const s of list) {
    const { hash, expires } = (s ?? {}) as { hash?: unknown; expires?: unknown };
    if (typeof hash === 'string' && /^[A-Za-z0-9_-]{43}$/.test(hash) && typeof expires === 'number' && expires > now) rows.push([hash, expires]);
  }
  rows.sort((a, b) => a[1] - b[1]);
  for (const [h, e] of rows) out.set(h, e);
  return out;
}

/** Throws when the folder is not writable; the caller keeps the sessions in memory all the same. */
export function writeSessionFile(file: string, sessions: Map<string, number>): void {
  const body = { sessions: [...sessions].map(([hash, expires]) => ({ hash, expires })) };
  // 0600 like the admin token: these hashes are not secrets, but the folder's neighbours need not read them.
  writeFileAtomic(file, JSON.stringify(body) + '\n', 0o600, { backup: false });
}
