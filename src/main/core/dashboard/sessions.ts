import { randomToken } from '../util/ids.js';
import type { Clock } from '../util/clock.js';

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

/**
 * Browser sessions for the headless dashboard, in memory: a restart signs everyone out and prints a new link,
 * which keeps the admin token itself out of the browser and off the disk of the browser profile.
 */
export function createDashboardSessions(opts: { clock: Clock; codeTtlMs?: number; sessionTtlMs?: number; maxSessions?: number }): DashboardSessions {
  const codeTtl = opts.codeTtlMs ?? 10 * 60_000;
  const sessionTtl = opts.sessionTtlMs ?? 7 * 24 * 3_600_000;
  const max = opts.maxSessions ?? 50;
  const codes = new Map<string, number>();
  const sessions = new Map<string, number>();

  const sweep = (m: Map<string, number>) => {
    const now = opts.clock.now();
    for (const [k, exp] of m) if (exp <= now) m.delete(k);
  };

  const open = () => {
    sweep(sessions);
    // Oldest first out: Map keeps insertion order.
    while (sessions.size >= max) sessions.delete(sessions.keys().next().value!);
    const id = randomToken(43);
    sessions.set(id, opts.clock.now() + sessionTtl);
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
      const exp = sessions.get(id);
      if (exp === undefined) return false;
      if (exp <= opts.clock.now()) {
        sessions.delete(id);
        return false;
      }
      return true;
    },
    close(id) {
      sessions.delete(id);
    },
  };
}
