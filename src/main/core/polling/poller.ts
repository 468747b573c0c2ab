import type { ConnectionFailedEvent, UsageConnectionDto } from '../../contract/polling.js';
import type { Pricer } from '../pricing/pricer.js';
import type { Secrets } from '../secrets/secrets.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { retryDelayMs, MIN_INTERVAL_MS } from './backoff.js';
import { DAY_MS, floorTo, HOUR_MS, MINUTE_MS } from './buckets.js';
import { isZeroUsage } from '../util/token-usage.js';
import { connectionDto, type StoredConnection } from './connections.js';
import { UsageApiError, type ProviderClient } from './provider-client.js';
import { priceBucket } from './pricing.js';
import type { Timers } from './timers.js';
import type { ProviderKeyInfo, SourceContext, UsageSource } from './types.js';
import type { StoredUsage, UsageStore } from './usage-store.js';

/** Day, week and month periods start at most 31 days back; a day more covers a month starting on a billing day. */
export const DEFAULT_LOOKBACK_MS = 32 * DAY_MS;
/** A budget engine may ask for more (rolling and total budgets), up to this. */
export const MAX_LOOKBACK_MS = 93 * DAY_MS;
/** Between full refreshes only the recent past is fetched again: late-arriving usage lands within hours. */
export const RECENT_MS = 48 * HOUR_MS;
export const FULL_REFRESH_MS = 6 * HOUR_MS;
/** The tray is told about a failing connection after this many failures in a row (a rejected key at once). */
export const ANNOUNCE_AFTER_FAILURES = 3;

export interface PollerDeps {
  store: UsageStore;
  connections: () => StoredConnection[];
  sourceOf: (provider: string) => UsageSource;
  baseUrlOf: (c: StoredConnection) => string;
  http: ProviderClient;
  secrets: Secrets;
  pricer: Pricer;
  clock: Clock;
  timers: Timers;
  log: Logger;
  /** When the budgets' current periods start: the poll window reaches back to the earliest. */
  periodStarts?: () => number[];
  /** Persist and tell listeners. */
  changed(what: { data: boolean; keys: boolean }): void;
  updated(e: { connectionId: string; provider: string; asOf: number; rows: number }): void;
  failed(e: ConnectionFailedEvent): void;
  connectionsChanged(): void;
}

export interface Poller {
  start(): void;
  stop(): void;
  /** (Re)arm a connection's timer after it was saved, or disarm it. */
  schedule(c: StoredConnection): void;
  unschedule(id: string): void;
  /** Poll now; resolves when the poll is done (joins one already running). */
  run(id: string): Promise<void>;
  /** A new key or base URL: results of polls already running belong to the old one. */
  invalidate(id: string): void;
  /** The decrypted key, cached in memory only. */
  secretOf(c: StoredConnection): string;
  forget(id: string): void;
  /** Resolves when no poll is running (tests, shutdown). */
  idle(): Promise<void>;
  dto(c: StoredConnection): UsageConnectionDto;
}

/** Hides the key in anything shown or logged, should a provider echo it back. */
export function scrub(text: string, secret: string): string {
  return secret.length >= 8 ? text.split(secret).join('[admin key]') : text;
}

function mergeKeys(listed: ProviderKeyInfo[], extra: ProviderKeyInfo[] | undefined): ProviderKeyInfo[] {
  const byId = new Map(listed.map((k) => [k.id, k]));
  for (const k of extra ?? []) if (!byId.has(k.id)) byId.set(k.id, k);
  return [...byId.values()];
}

/** Schedules and runs each connection's polls: interval, backoff, Retry-After, and a stop on 401/403. */
export function createPoller(deps: PollerDeps): Poller {
  const timers = new Map<string, unknown>();
  const inFlight = new Map<string, Promise<void>>();
  const generation = new Map<string, number>();
  const plain = new Map<string, string>();
  let running = false;

  const find = (id: string) => deps.connections().find((c) => c.id === id);
  const gen = (id: string) => generation.get(id) ?? 0;
  const dto = (c: StoredConnection) => connectionDto(c, deps.sourceOf(c.provider), deps.baseUrlOf(c));

  const secretOf = (c: StoredConnection) => {
    let s = plain.get(c.id);
    if (s === undefined) plain.set(c.id, (s = deps.secrets.decrypt(c.sealedKey)));
    return s;
  };

  const windowStart = (now: number) => {
    let from = now - DEFAULT_LOOKBACK_MS;
    for (const start of deps.periodStarts?.() ?? []) {
      // A "total" budget starts at 0: it gets what the longest window holds.
      if (Number.isFinite(start)) from = Math.min(from, Math.max(start, now - MAX_LOOKBACK_MS));
    }
    return floorTo(from, HOUR_MS);
  };

  function unschedule(id: string) {
    const t = timers.get(id);
    if (t !== undefined) deps.timers.clear(t);
    timers.delete(id);
  }

  function schedule(c: StoredConnection) {
    unschedule(c.id);
    if (!c.enabled || c.state === 'rejected' || c.state === 'disabled') {
      c.nextPollAt = null;
      return;
    }
    const now = deps.clock.now();
    let at = c.nextPollAt ?? now;
    // A restart, a save or a manual poll never makes the automatic polls more frequent than once a minute.
    if (c.lastAttemptAt !== null) at = Math.max(at, c.lastAttemptAt + MIN_INTERVAL_MS);
    c.nextPollAt = at;
    if (!running) return;
    timers.set(
      c.id,
      deps.timers.set(() => {
        timers.delete(c.id);
        void run(c.id);
      }, Math.max(0, at - now)),
    );
  }

  function announce(c: StoredConnection, rejected: boolean) {
    if (c.failureAnnounced) return;
    c.failureAnnounced = true;
    const source = deps.sourceOf(c.provider);
    const message = rejected
      ? `${c.name}: admin key rejected by ${source.name} (${c.lastError}). Usage polling has stopped until the key is replaced.`
      : `${c.name}: ${source.name} usage polling has failed ${c.consecutiveFailures} times in a row (${c.lastError}). Still retrying.`;
    deps.failed({ connection: dto(c), message, rejected });
  }

  async function pollOnce(c: StoredConnection): Promise<void> {
    const source = deps.sourceOf(c.provider);
    const myGen = gen(c.id);
    const started = deps.clock.now();
    c.lastAttemptAt = started;
    let secret = '';
    try {
      secret = secretOf(c);
    } catch (err) {
      c.state = 'rejected';
      c.lastErrorKind = null;
      c.lastError = `the stored key cannot be decrypted on this machine (${(err as Error).message}); paste it again`;
      c.nextPollAt = null;
      announce(c, true);
      return;
    }
    const ctx: SourceContext = { baseUrl: deps.baseUrlOf(c), secret, http: deps.http, now: started };
    try {
      const winStart = windowStart(started);
      const full = c.lastFullAt === null || c.coveredFrom === null || started - c.lastFullAt >= FULL_REFRESH_MS || winStart < c.coveredFrom;
      const from = full ? winStart : Math.max(winStart, started - RECENT_MS);
      const fetched = await source.fetchUsage(ctx, { fromMs: from, toMs: started });

      let keys: ProviderKeyInfo[] | null = fetched.keys ?? null;
      let keyListError = c.keyListError;
      if (full || c.keys.length === 0) {
        try {
          keys = mergeKeys(await source.listKeys(ctx), fetched.keys);
          keyListError = null;
        } catch (err) {
          // Usage without names is still usage: an admin key may lack the scope that lists keys.
          keyListError = scrub(err instanceof UsageApiError ? err.message : String(err), secret);
        }
      }
      if (gen(c.id) !== myGen || !find(c.id)) return;

      const rows: StoredUsage[] = [];
      for (const b of fetched.usage) {
        if (isZeroUsage(b.usage) && !b.costUsd && !b.requests) continue;
        const price = priceBucket(deps.pricer, source, b);
        rows.push({ ...b, connectionId: c.id, asOf: started, costUsd: price.costUsd, pricedModel: price.pricedModel, priceSource: price.source });
      }
      deps.store.replaceUsage(c.id, fetched.usageWindow, rows);
      if (fetched.billedWindow) {
        deps.store.replaceBilled(c.id, fetched.billedWindow, fetched.billed.map((b) => ({ ...b, connectionId: c.id, asOf: started })));
      }
      c.coveredFrom = full || c.coveredFrom === null ? fetched.usageWindow.fromMs : Math.min(c.coveredFrom, fetched.usageWindow.fromMs);
      if (full) c.lastFullAt = started;
      const keysChanged = keys !== null && JSON.stringify(keys) !== JSON.stringify(c.keys);
      if (keys) c.keys = keys;
      c.keyListError = keyListError;
      if (fetched.limits !== undefined) c.limits = fetched.limits ? { ...fetched.limits, asOf: started } : null;
      c.state = 'ok';
      c.lastError = null;
      c.lastErrorKind = null;
      c.consecutiveFailures = 0;
      c.failureAnnounced = false;
      c.asOf = started;
      c.nextPollAt = deps.clock.now() + Math.max(MIN_INTERVAL_MS, c.intervalMinutes * MINUTE_MS);
      // Keep what the longest window needs and two months besides; the data file stays bounded.
      deps.store.prune(Math.min(winStart, started - 62 * DAY_MS));
      deps.changed({ data: true, keys: keysChanged });
      deps.updated({ connectionId: c.id, provider: source.routeId, asOf: started, rows: rows.length });
    } catch (err) {
      if (gen(c.id) !== myGen || !find(c.id)) return;
      const e = err instanceof UsageApiError ? err : new UsageApiError('malformed', `unexpected answer: ${(err as Error).message}`);
      c.lastError = scrub(e.message, secret);
      c.lastErrorKind = e.kind;
      if (e.kind === 'rejected') {
        c.state = 'rejected';
        c.nextPollAt = null;
        deps.log.warn('usage polling stopped: admin key rejected', { connection: c.id, provider: c.provider, error: c.lastError });
        announce(c, true);
      } else {
        c.consecutiveFailures++;
        c.state = 'retrying';
        c.nextPollAt = deps.clock.now() + retryDelayMs(e.kind, c.consecutiveFailures, e.retryAfterMs);
        deps.log.warn('usage poll failed', { connection: c.id, provider: c.provider, kind: e.kind, error: c.lastError, failures: c.consecutiveFailures });
        if (c.consecutiveFailures >= ANNOUNCE_AFTER_FAILURES) announce(c, false);
      }
      deps.changed({ data: false, keys: false });
    }
  }

  function run(id: string): Promise<void> {
    const existing = inFlight.get(id);
    if (existing) return existing;
    const c = find(id);
    if (!c) return Promise.resolve();
    unschedule(id);
    const p = pollOnce(c)
      .catch((err) => deps.log.error('usage poll crashed', { connection: id, error: (err as Error).message }))
      .finally(() => {
        inFlight.delete(id);
        const now = find(id);
        if (now) schedule(now);
        deps.connectionsChanged();
      });
    inFlight.set(id, p);
    return p;
  }

  return {
    start() {
      running = true;
      for (const c of deps.connections()) schedule(c);
    },
    stop() {
      running = false;
      for (const id of [...timers.keys()]) unschedule(id);
    },
    schedule,
    unschedule,
    run,
    invalidate(id) {
      generation.set(id, gen(id) + 1);
      plain.delete(id);
    },
    secretOf,
    forget(id) {
      unschedule(id);
      generation.set(id, gen(id) + 1);
      plain.delete(id);
    },
    async idle() {
      while (inFlight.size) await Promise.all([...inFlight.values()]);
    },
    dto,
  };
}
