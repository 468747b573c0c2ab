import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { randomToken } from '../util/ids.js';

const TOKEN_FILE = 'admin-token';

/** The admin API's token: random, kept in the data folder with mode 0600, created on first start. */
export function loadOrCreateAdminToken(dataDir: string): { token: string; file: string } {
  const file = path.join(dataDir, TOKEN_FILE);
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t.length >= 32) return { token: t, file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const token = 'tga_' + randomToken(40);
  fs.writeFileSync(file, token + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return { token, file };
}

/** Compares digests, so neither the length nor the content of the token leaks through timing. */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
