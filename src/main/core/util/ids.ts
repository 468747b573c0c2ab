import { randomBytes } from 'node:crypto';

/**
 * Request ids: a random per-process prefix and a counter. Unique across restarts (the prefix changes)
 * and cheaper on the hot path than a UUID per request.
 */
export function createIdGenerator(prefix: string): () => string {
  const boot = randomBytes(4).toString('hex');
  let seq = 0;
  return () => `${prefix}_${boot}${(++seq).toString(36).padStart(6, '0')}`;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random string from [A-Za-z0-9], unbiased. */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += ALPHABET[b % 62];
    }
  }
  return out;
}
