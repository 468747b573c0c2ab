import type { KeyDto } from '../../../main/contract/keys';

export type KeyState = 'revoked' | 'unused' | 'active' | 'idle';

export interface KeyStatus {
  state: KeyState;
  label: string;
  /** A badge class from styles.css. */
  badge: string;
  title: string;
}

/** A key unused this long reads as idle: a candidate to revoke, or a tool that stopped calling. */
export const IDLE_AFTER_MS = 14 * 86_400_000;

/** Where a key stands, in a word for the Status column, and a sentence for its tooltip. */
export function keyStatus(k: KeyDto, now: number): KeyStatus {
  if (k.revokedAt !== null) return { state: 'revoked', label: 'revoked', badge: 'badge-bad', title: 'Calls with this key are refused.' };
  if (k.lastSeenAt === null) return { state: 'unused', label: 'not used yet', badge: 'badge-muted', title: 'No request has come with this key.' };
  if (now - k.lastSeenAt > IDLE_AFTER_MS) return { state: 'idle', label: 'idle', badge: 'badge-warn', title: 'No request in the last 14 days.' };
  return { state: 'active', label: 'active', badge: 'badge-state-ok', title: 'Used in the last 14 days.' };
}
