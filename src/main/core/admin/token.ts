import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { randomToken } from '../util/ids.js';

const TOKEN_FILE = 'admin-token';

/**
 * The admin API's token: random, kept in the data folder with mode 0600, created on first start. A folder that
 * cannot be written must not stop the proxy: the token is then kept in memory, and the problem reported.
 */
export function loadOrCreateAdminToken(dataDir: string): { token: string; file: string; problem: string | null } {
  const file = path.join(dataDir, TOKEN_FILE);
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t.length >= 32) return { token: t, file, problem: null };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      return { token: 'tga_' + randomToken(40), file, problem: `the admin token in ${file} could not be read (${(err as Error).message}); a new one is used until Tollgate restarts` };
    }
  }
  const token = 'tga_' + randomToken(40);
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, token + '\n', { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    return { token, file, problem: null };
  } catch (err) {
    return { token, file, problem: `the admin token could not be saved to ${file} (${(err as Error).message}); it changes at each start until the folder is writable` };
  }
}

/** Compares digests, so neither the length nor the content of the token leaks through timing. */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
