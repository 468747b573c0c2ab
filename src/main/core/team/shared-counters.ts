import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../util/clock.js';
import { RELEASE, RENEW, RESERVE, SETTLE } from './scripts.js';

/** One counter's part of a call: which counter and period, and the amount. */
export interface CounterPart {
  key: string;
  periodKey: string;
  usd: number;
  tokens: number;
  /** A rolling window's length (ms); absent for calendar periods. Such a counter's periodKey names no period. */
  windowMs?: number;
  /** Rolling windows: when the call settled here (ms), the hour its spend belongs to, kept through a replay. */
  at?: number;
}

export interface ReservePart extends CounterPart {
  /** The hard stop in dollars and tokens; null: no stop, reserve without a check. */
  stopUsd: number | null;
  stopTokens: number | null;
}

/** A counter's team spend, as the store answered it. */
export interface SharedSpent {
  key: string;
  periodKey: string;
  usd: number;
  tokens: number;
}

export type ReserveResult = { ok: true; spent: SharedSpent[] } | { ok: false; index: number; spent: SharedSpent };

/** The shared counters on Redis: reserve against several at once, settle, release, renew leases. */
export interface SharedCounters {
  reserve(requestId: string, parts: ReservePart[]): Promise<ReserveResult>;
  settle(requestId: string, parts: CounterPart[]): Promise<SharedSpent[]>;
  release(requestId: string, parts: CounterPart[]): Promise<void>;
  renew(leases: { requestId: string; part: CounterPart }[]): Promise<void>;
  readonly leaseMs: number;
}

type Scripted = Redis & {
  tgReserve(...args: (string | number)[]): Promise<string[] | [number, number, string, string]>;
  tgSettle(...args: (string | number)[]): Promise<string[]>;
  tgRelease(...args: (string | number)[]): Promise<number>;
  tgRenew(...args: (string | number)[]): Promise<number>;
};

/** Budget ids and run names are free text: encoded so none can run into another key's name. */
const part = (s: string) => encodeURIComponent(s);

/** `clock`: the instance's, for rolling windows (see scripts.ts); leases are on Redis's own clock. */
export function createSharedCounters(redis: Redis, o: { prefix: string; leaseMs: number; clock?: Clock }): SharedCounters {
  const clock = o.clock ?? systemClock;
  const r = redis as Scripted;
  // defineCommand sends EVALSHA and falls back to EVAL once per script, so a restarted Redis needs nothing.
  r.defineCommand('tgReserve', { lua: RESERVE });
  r.defineCommand('tgSettle', { lua: SETTLE });
  r.defineCommand('tgRelease', { lua: RELEASE });
  r.defineCommand('tgRenew', { lua: RENEW });
  const base = (p: CounterPart) => `${o.prefix}${part(p.key)}:${part(p.periodKey)}`;
  const keysOf = (p: CounterPart) => {
    const b = base(p);
    return [`${b}:c`, `${b}:r`, `${b}:l`, `${b}:d`];
  };
  const spentOf = (p: CounterPart, u: string, t: string): SharedSpent => ({ key: p.key, periodKey: p.periodKey, usd: Number(u), tokens: Number(t) });

  return {
    leaseMs: o.leaseMs,
    async reserve(requestId, parts) {
      const keys = parts.flatMap(keysOf);
      const args = parts.flatMap((p) => [String(p.usd), String(p.tokens), String(p.stopUsd ?? -1), String(p.stopTokens ?? -1), p.windowMs ?? 0]);
      const res = await r.tgReserve(keys.length, ...keys, requestId, o.leaseMs, clock.now(), ...args);
      if (Number(res[0]) === 0) {
        const i = Number(res[1]) - 1;
        return { ok: false, index: i, spent: spentOf(parts[i]!, String(res[2]), String(res[3])) };
      }
      return { ok: true, spent: parts.map((p, i) => spentOf(p, String(res[1 + 2 * i]), String(res[2 + 2 * i]))) };
    },
    async settle(requestId, parts) {
      const keys = parts.flatMap(keysOf);
      const now = clock.now();
      const args = parts.flatMap((p) => [String(p.usd), String(p.tokens), p.windowMs ?? 0, p.at ?? now]);
      const res = await r.tgSettle(keys.length, ...keys, requestId, now, ...args);
      return parts.map((p, i) => spentOf(p, res[2 * i]!, res[2 * i + 1]!));
    },
    async release(requestId, parts) {
      const keys = parts.flatMap(keysOf);
      await r.tgRelease(keys.length, ...keys, requestId);
    },
    async renew(leases) {
      if (leases.length === 0) return;
      await r.tgRenew(leases.length, ...leases.map((l) => keysOf(l.part)[2]!), o.leaseMs, ...leases.map((l) => l.requestId));
    },
  };
}
