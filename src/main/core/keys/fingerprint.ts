import { createHash } from 'node:crypto';

/** A stable id for a raw key, so spend can be tracked under it without ever storing it. */
export function fingerprint(secret: string): string {
  return 'fp_' + createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

/** Well-known prefixes are kept so people recognise the key; everything else but the last four is hidden. */
const PREFIX = /^(sk-ant-(?:api|oat|admin)\d*-|sk-proj-|sk-admin-|sk-or-v1-|sk-svcacct-|sk-|AIza|gsk_|xai-|tg_)/;

export function redact(secret: string): string {
  const prefix = PREFIX.exec(secret)?.[1] ?? '';
  const tail = secret.length >= 12 ? secret.slice(-4) : '';
  return `${prefix || secret.slice(0, 2)}…${tail}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** How many raw keys the per-request memo holds; a proxy sees a handful of keys, so this is never reached in use. */
const MEMO_LIMIT = 256;

function memo(map: Map<string, string>, fn: (s: string) => string): (s: string) => string {
  return (s) => {
    let v = map.get(s);
    if (v === undefined) {
      // Oldest entry out first: a Map iterates in insertion order.
      if (map.size >= MEMO_LIMIT) map.delete(map.keys().next().value!);
      map.set(s, (v = fn(s)));
    }
    return v;
  };
}

/**
 * The same key arrives on every request; hashing it each time is a sha256 per call for an unchanged answer.
 * These memos map a raw key to its fingerprint or hash, bounded, and live as long as the key ring that owns them.
 */
export function createKeyHasher(): { fingerprint(secret: string): string; hash(secret: string): string } {
  return { fingerprint: memo(new Map(), fingerprint), hash: memo(new Map(), hashSecret) };
}
