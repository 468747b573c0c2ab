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
