import type { Redis } from 'ioredis';
import { lazyRequire } from '../util/lazy-require.js';
import type { Logger } from '../util/log.js';

/** Only team mode (--redis) needs a Redis client; loaded at the first connect. */
const ioredis = lazyRequire<typeof import('ioredis')>('ioredis');

export type LinkState = 'up' | 'down';

/** The connection to the team's Redis: its client, whether it is up, and who to tell when that changes. */
export interface TeamLink {
  readonly redis: Redis;
  /** A second connection for pub/sub: a subscribed connection can run no other command. */
  readonly sub: Redis;
  readonly state: LinkState;
  /** When the link last went down (ms), null while up. */
  readonly downSince: number | null;
  onChange(cb: (s: LinkState) => void): void;
  close(): Promise<void>;
}

/** The address without its password, for status and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(invalid address)';
  }
}

/**
 * Connects to `url` (redis://, rediss:// for TLS, a password in the address). Commands fail at once while the
 * link is down instead of queueing: team mode decides per budget what a call does then (fail modes, replay.ts),
 * and a queued reservation sent minutes later would hold room for a call long finished.
 */
export function connectTeam(url: string, d: { log: Logger; now: () => number; retryMs?: number }): TeamLink {
  const opts = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    // Keep trying for as long as Tollgate runs; a link that comes back is picked up within a second or two.
    retryStrategy: (times: number) => Math.min(times * 100, d.retryMs ?? 1_000),
    lazyConnect: false,
  };
  const { Redis } = ioredis();
  const redis = new Redis(url, opts);
  // Subscriptions wait for the link and are renewed by the client after each reconnect.
  const sub = new Redis(url, { ...opts, commandTimeout: undefined, enableOfflineQueue: true });
  let state: LinkState = 'down';
  let downSince: number | null = d.now();
  const listeners: ((s: LinkState) => void)[] = [];
  const set = (s: LinkState) => {
    if (s === state) return;
    state = s;
    downSince = s === 'down' ? d.now() : null;
    if (s === 'down') d.log.warn('team link down', { redis: redactUrl(url) });
    else d.log.info('team link up', { redis: redactUrl(url) });
    for (const l of listeners) l(s);
  };
  redis.on('ready', () => set('up'));
  redis.on('close', () => set('down'));
  redis.on('end', () => set('down'));
  // ioredis reports every failed reconnect as an error event; the state change above is what matters.
  redis.on('error', () => {});
  sub.on('error', () => {});
  return {
    redis,
    sub,
    get state() {
      return state;
    },
    get downSince() {
      return downSince;
    },
    onChange: (cb) => void listeners.push(cb),
    async close() {
      listeners.length = 0;
      redis.disconnect();
      sub.disconnect();
    },
  };
}
