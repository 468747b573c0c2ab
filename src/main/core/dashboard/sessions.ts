import { randomToken } from '../util/ids.js';
import type { Clock } from '../util/clock.js';
import { hashSessionId, readSessionFile, writeSessionFile } from './session-file.js';

export interface DashboardSessions {
  /** A one-time login code for a link such as /login?code=…: single use, short-lived. */
  mintCode(): string;
  /** Trades a code for a new session id; null when the code is unknown, used or expired. */
  redeemCode(code: string): string | null;
  /** A session for someone who proved they hold the admin token. */
  open(): string;
  valid(id: string | null | undefined): boolean;
  close(id: string): void;
}

export interface DashboardSessionOptions {
  clock: Clock;
  /**
   * Where sessions outlive a restart (hashed ids and expiries), so restarting `npm run serve` does not sign the
   * browser out. Without it they live in memory only. Login codes are never stored: they are single-use links.
   */
  file?: string;
  onProblem?: (message: string) => void;
  codeTtlMs?: number;
  sessionTtlMs?: number;
  maxSessions?: number;
}

/**
 * Browser sessions for the headless dashboard. The cookie holds a random id; only its hash is kept, which keeps the
 * admin token itself out of the browser and the session ids off the disk.
 */
export function createDashboardSessions(opts: DashboardSessionOptions): DashboardSessions {
  const codeTtl = opts.codeTtlMs ?? 10 * 60_000;
  const sessionTtl = opts.sessionTtlMs ?? 7 * 24 * 3_600_000;
  const max = opts.maxSessions ?? 50;
  const codes = new Map<string, number>();
  // Keyed by hashSessionId(id), expiry as the value.
  const sessions = opts.file ? readSessionFile(opts.file, opts.clock.now()) : new Map<string, number>();
  let warned = false;

  const save = () => {
    if (!opts.file) return;
    try {
      writeSessionFile(opts.file, sessions);
      warned = false;
    } catch (err) {
      // Sessions still work until the next restart; say so once, not on every sign-in.
      if (!warned) opts.onProblem?.(`Could not save dashboard sign-ins (${(err as Error).message}); a restart will sign browsers out.`);
      warned = true;
    }
  };

  const sweep = (m: Map<string, number>) => {
    const now = opts.clock.now();
    for (const [k, exp] of m) if (exp <= now) m.delete(k);
  };

  const open = () => {
    sweep(sessions);
    // Oldest first out: Map keeps insertion order.
    while (sessions.size >= max) sessions.delete(sessions.keys().next().value!);
    const id = randomToken(43);
    sessions.set(hashSessionId(id), opts.clock.now() + sessionTtl);
    save();
    return id;
  };

  return {
    mintCode() {
      sweep(codes);
      const code = randomToken(32);
      codes.set(code, opts.clock.now() + codeTtl);
      return code;
    },
    redeemCode(code) {
      const exp = codes.get(code);
      codes.delete(code);
      if (exp === undefined || exp <= opts.clock.now()) return null;
      return open();
    },
    open,
    valid(id) {
      if (!id) return false;
      const key = hashSessionId(id);
      const exp = sessions.get(key);
      if (exp === undefined) return false;
      if (exp <= opts.clock.now()) {
        // Expired entries leave the file with the next save; a write per stale cookie is not worth it.
        sessions.delete(key);
        return false;
      }
      return true;
    },
    close(id) {
      if (sessions.delete(hashSessionId(id))) save();
    },
  };
}
