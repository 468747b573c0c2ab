import type { ApiPart } from '../../contract/api.js';
import type { PollingApiSpec, PollingEvents } from '../../contract/api-polling.js';
import type { KeyDto } from '../../contract/keys.js';
import type { TestConnectionResult, UsageSourceDto } from '../../contract/polling.js';
import type { RollupRow } from '../../contract/usage.js';
import { redact } from '../keys/fingerprint.js';
import type { Pricer } from '../pricing/pricer.js';
import type { Secrets } from '../secrets/secrets.js';
import { NotFoundError, optionalString, requireHttpUrl, requireObject, requireOneOf, requireString, ValidationError } from '../settings/validation.js';
import { zonedTimeToEpoch } from '../time/zoned.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { randomToken } from '../util/ids.js';
import { DAY_MS } from './buckets.js';
import { checkKey, formatTime, freshPollState, newConnection, validateSave, type StoredConnection } from './connections.js';
import { createProviderClient, UsageApiError } from './provider-client.js';
import { createPoller, scrub } from './poller.js';
import { reconcile } from './reconciliation.js';
import type { ReportedSpendSource } from '../budgets/reported-spend.js';
import { buildReported } from './reported.js';
import { systemTimers, type Timers } from './timers.js';
import type { SourceContext, UsageSource } from './types.js';
import { createUsageStore, type UsageStoreSnapshot } from './usage-store.js';
import { createUsageView } from './usage-view.js';

export interface UsagePollingDeps {
  /** The registry of usage sources (src/main/core/providers/usage-sources.ts). */
  sources: readonly UsageSource[];
  fetch: typeof fetch;
  /** Base URL overrides by env var, e.g. TOLLGATE_OPENAI_ADMIN_BASE_URL. */
  env: NodeJS.ProcessEnv;
  clock: Clock;
  timers?: Timers;
  secrets: Secrets;
  log: Logger;
  pricer: Pricer;
  /** The proxy's own records, for reconciliation. */
  observed: (fromDay: string, toDay: string) => RollupRow[];
  tollgateKeys: () => KeyDto[];
  dayKey: (ms: number) => string;
  /** The resolved IANA zone days end in. */
  timezone: () => string;
  /** The persisted "usage" section. */
  initial?: unknown;
  /** Marks the "usage" section dirty. */
  onChange: () => void;
  events: { emit<K extends keyof PollingEvents>(name: K, payload: PollingEvents[K]): void };
  /** When the budgets' current periods start: polling covers back to the earliest (93 days at most). */
  periodStarts?: () => number[];
  httpTimeoutMs?: number;
}

export interface UsagePolling {
  api: ApiPart<PollingApiSpec>;
  reportedSpend: ReportedSpendSource;
  start(): void;
  stop(): void;
  /** Resolves when no poll is running. */
  idle(): Promise<void>;
  snapshot(): UsageSnapshot;
}

export interface UsageSnapshot extends UsageStoreSnapshot {
  version: 1;
  connections: StoredConnection[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Provider usage polling: connections holding sealed admin keys, a poller per connection, the stored buckets,
 * and the views built on them (reported spend for budgets, per-key and per-model figures, reconciliation).
 * Provider knowledge comes only from the sources registry.
 */
export function createUsagePolling(deps: UsagePollingDeps): UsagePolling {
  const sources = new Map(deps.sources.map((s) => [s.id, s]));
  const snap = (deps.initial ?? {}) as Partial<UsageSnapshot>;
  let connections: StoredConnection[] = Array.isArray(snap.connections) ? snap.connections.filter((c) => c && sources.has(c.provider) && typeof c.sealedKey === 'string') : [];
  const store = createUsageStore(snap);
  const listeners = new Set<() => void>();

  const sourceOf = (provider: string) => {
    const s = sources.get(provider);
    if (!s) throw new Error(`no usage source "${provider}"`);
    return s;
  };

  const envBase = new Map<string, string>();
  for (const s of deps.sources) {
    const v = deps.env[s.baseUrlEnv];
    if (!v) continue;
    try {
      envBase.set(s.id, requireHttpUrl(v, s.baseUrlEnv));
    } catch (err) {
      deps.log.warn(`ignoring ${s.baseUrlEnv}: ${(err as Error).message}`);
    }
  }
  const baseUrlFor = (provider: string, own: string | null) => own ?? envBase.get(provider) ?? sourceOf(provider).defaultBaseUrl;
  const baseUrlOf = (c: StoredConnection) => baseUrlFor(c.provider, c.baseUrl);

  const view = createUsageView({ store, connections: () => connections, sourceOf: (p) => sources.get(p), tollgateKeys: deps.tollgateKeys, clock: deps.clock });
  const http = createProviderClient({ fetch: deps.fetch, now: () => deps.clock.now(), timeoutMs: deps.httpTimeoutMs });
  const notify = () => {
    for (const l of listeners) {
      try {
        l();
      } catch (err) {
        deps.log.error('reported-spend listener failed', { error: (err as Error).message });
      }
    }
  };
  const dtos = () => connections.map((c) => poller.dto(c));

  const poller = createPoller({
    store,
    connections: () => connections,
    sourceOf,
    baseUrlOf,
    http,
    secrets: deps.secrets,
    pricer: deps.pricer,
    clock: deps.clock,
    timers: deps.timers ?? systemTimers,
    log: deps.log,
    periodStarts: deps.periodStarts,
    changed({ data, keys }) {
      if (keys) view.invalidate();
      deps.onChange();
      if (data) notify();
    },
    updated: (e) => deps.events.emit('usage.updated', e),
    failed: (e) => deps.events.emit('usage.connectionFailed', e),
    connectionsChanged: () => deps.events.emit('usage.connectionsChanged', dtos()),
  });

  const get = (id: string) => {
    const c = connections.find((x) => x.id === id);
    if (!c) throw new NotFoundError(`No usage connection "${id}".`);
    return c;
  };

  /** The same key connected twice would count its spend twice. */
  const assertNotConnected = (provider: string, secret: string, except: string | null) => {
    for (const c of connections) {
      if (c.provider !== provider || c.id === except) continue;
      let other: string | null = null;
      try {
        other = poller.secretOf(c);
      } catch {}
      if (other === secret) throw new ValidationError('adminKey', `is already connected as "${c.name}"`);
    }
  };

  /** Inclusive local days → [fromMs, toMs); default: the last 7 days. */
  const dayRange = (raw: unknown) => {
    const o = requireObject(raw ?? {}, 'query');
    const now = deps.clock.now();
    const day = (v: unknown, field: string, dflt: string) =>
      v === undefined || v === null || v === '' ? dflt : requireString(v, field, { pattern: DAY, hint: 'must be a day like 2026-11-28' });
    const to = day(o.to, 'to', deps.dayKey(now));
    const from = day(o.from, 'from', deps.dayKey(now - 6 * DAY_MS));
    if (from > to) throw new ValidationError('from', 'must not be after "to"');
    const tz = deps.timezone();
    const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
    const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
    return { o, from, to, fromMs: zonedTimeToEpoch(tz, fy, fm, fd), toMs: zonedTimeToEpoch(tz, ty, tm, td + 1) };
  };

  const explain = (e: unknown, source: UsageSource, baseUrl: string, secret: string): TestConnectionResult => {
    const err = e instanceof UsageApiError ? e : new UsageApiError('malformed', (e as Error).message);
    const msg = scrub(err.message, secret);
    const words: Record<UsageApiError['kind'], string> = {
      rejected: `${source.name} rejected this key (${msg}). Use ${source.keyHint}.`,
      'rate-limited': `${source.name} is rate-limiting this key right now${err.retryAfterMs !== null ? ` (it asks to wait ${Math.ceil(err.retryAfterMs / 1000)} s)` : ''}; the key itself was not rejected. Try again later.`,
      server: `${source.name} had a server error (${msg}); the key was not rejected. Try again later.`,
      network: `Could not reach ${source.name}: ${msg}. Check the base URL (${baseUrl}) and the network.`,
      malformed: `${source.name} answered, but not with usage data (${msg}). Is the base URL (${baseUrl}) right?`,
      client: `${source.name} refused the request (${msg}). Is the base URL (${baseUrl}) right?`,
    };
    return { ok: false, message: words[err.kind], httpStatus: err.status, keysFound: null };
  };

  const api: ApiPart<PollingApiSpec> = {
    'usage.sources': async () =>
      deps.sources.map(
        (s): UsageSourceDto => ({ id: s.id, name: s.name, keyHint: s.keyHint, defaultBaseUrl: s.defaultBaseUrl, baseUrlEnv: s.baseUrlEnv, coverage: s.coverage }),
      ),

    'usage.connections.list': async () => dtos(),

    'usage.connections.save': async (raw) => {
      const v = validateSave(raw, deps.sources);
      const source = sourceOf(v.provider);
      const now = deps.clock.now();
      let c: StoredConnection;
      if (v.id === null) {
        const secret = v.adminKey!;
        assertNotConnected(v.provider, secret, null);
        c = newConnection({
          id: 'conn_' + randomToken(12),
          provider: v.provider,
          name: v.name ?? `${source.name} usage`,
          sealedKey: deps.secrets.encrypt(secret),
          keyLabel: redact(secret),
          baseUrl: v.baseUrl ?? null,
          enabled: v.enabled ?? true,
          intervalMinutes: v.intervalMinutes,
          now,
        });
        if (!c.enabled) c.state = 'disabled';
        connections.push(c);
      } else {
        c = get(v.id);
        if (c.provider !== v.provider) throw new ValidationError('provider', `cannot change (this connection is ${c.provider}); add a new connection instead`);
        let fresh = false;
        if (v.adminKey !== null) {
          assertNotConnected(v.provider, v.adminKey, c.id);
          c.sealedKey = deps.secrets.encrypt(v.adminKey);
          c.keyLabel = redact(v.adminKey);
          fresh = true;
        }
        if (v.baseUrl !== undefined && v.baseUrl !== c.baseUrl) {
          c.baseUrl = v.baseUrl;
          fresh = true;
        }
        if (v.name !== null) c.name = v.name;
        if (v.intervalMinutes !== null) {
          c.intervalMinutes = v.intervalMinutes;
          // The new interval counts from the last good poll, shorter or longer, not after the poll already planned.
          if (c.asOf !== null && c.state === 'ok') c.nextPollAt = c.asOf + v.intervalMinutes * 60_000;
        }
        if (fresh) {
          // A new key (or another server) starts over: a rejection or backoff belonged to the old one.
          poller.invalidate(c.id);
          Object.assign(c, freshPollState(), { keys: [], keyListError: null, limits: null });
        }
        if (v.enabled !== null && v.enabled !== c.enabled) {
          c.enabled = v.enabled;
          if (!v.enabled) c.state = 'disabled';
          else if (c.state === 'disabled') c.state = c.asOf === null ? 'pending' : 'ok';
        }
        c.updatedAt = now;
      }
      poller.schedule(c);
      deps.onChange();
      deps.events.emit('usage.connectionsChanged', dtos());
      return poller.dto(c);
    },

    'usage.connections.delete': async (raw) => {
      const id = requireString(requireObject(raw, 'connection').id, 'id');
      const c = connections.find((x) => x.id === id);
      if (!c) return { deleted: false };
      poller.forget(id);
      connections = connections.filter((x) => x.id !== id);
      store.removeConnection(id);
      view.invalidate();
      deps.onChange();
      notify();
      deps.events.emit('usage.connectionsChanged', dtos());
      return { deleted: true };
    },

    'usage.connections.test': async (raw) => {
      const o = requireObject(raw, 'connection');
      let source: UsageSource;
      let secret: string;
      let baseUrl: string;
      if (o.id !== undefined) {
        const c = get(requireString(o.id, 'id'));
        source = sourceOf(c.provider);
        baseUrl = baseUrlOf(c);
        try {
          secret = poller.secretOf(c);
        } catch (err) {
          return { ok: false, message: `The stored key cannot be decrypted on this machine (${(err as Error).message}); paste it again.`, httpStatus: null, keysFound: null };
        }
      } else {
        source = sourceOf(requireOneOf(o.provider, 'provider', deps.sources.map((s) => s.id)));
        secret = requireString(o.adminKey, 'adminKey', { max: 4000 });
        checkKey(secret, source);
        const own = optionalString(o.baseUrl, 'baseUrl', { max: 2000 });
        baseUrl = baseUrlFor(source.id, own === null ? null : requireHttpUrl(own, 'baseUrl'));
      }
      const ctx: SourceContext = { baseUrl, secret, http, now: deps.clock.now() };
      let proved: string;
      try {
        proved = await source.probe(ctx);
      } catch (err) {
        return explain(err, source, baseUrl, secret);
      }
      try {
        const keys = await source.listKeys(ctx);
        const n = keys.length;
        return { ok: true, message: `Connected to ${source.name}: ${proved}, and ${n === 1 ? '1 API key is' : `${n} API keys are`} listed by name.`, httpStatus: 200, keysFound: n };
      } catch (err) {
        const why = scrub(err instanceof Error ? err.message : String(err), secret);
        return { ok: true, message: `Connected to ${source.name}: ${proved}, but its API keys cannot be listed by name (${why}), so reports will show key ids.`, httpStatus: 200, keysFound: null };
      }
    },

    'usage.pollNow': async (raw) => {
      const o = requireObject(raw ?? {}, 'poll');
      const id = o.id === undefined ? null : requireString(o.id, 'id');
      const targets = id === null ? connections.filter((c) => c.enabled) : [get(id)];
      const now = deps.clock.now();
      await Promise.all(
        targets
          // A provider's Retry-After holds for manual polls too.
          .filter((c) => c.enabled && !(c.lastErrorKind === 'rate-limited' && c.nextPollAt !== null && c.nextPollAt > now))
          .map((c) => poller.run(c.id)),
      );
      return (id === null ? connections : targets).map((c) => poller.dto(c));
    },

    'usage.reported': async (raw) => {
      const { o, from, to, fromMs, toMs } = dayRange(raw);
      const only = o.connectionId === undefined ? null : get(requireString(o.connectionId, 'connectionId')).id;
      const keep = <T extends { connectionId: string }>(rows: T[]) => (only ? rows.filter((r) => r.connectionId === only) : rows);
      const billedFrom = Date.parse(`${from}T00:00:00Z`);
      const billedTo = Date.parse(`${to}T00:00:00Z`) + DAY_MS;
      return buildReported({
        from,
        to,
        mapped: view.mapped(fromMs, toMs).filter((m) => !only || m.connection.id === only),
        billed: keep(store.billed(billedFrom, billedTo)),
        usageOfBilledDays: keep(store.usage(billedFrom, billedTo)),
        providerOf: (cid) => {
          const c = connections.find((x) => x.id === cid);
          return c ? sourceOf(c.provider).routeId : 'unknown';
        },
      });
    },

    'usage.reconciliation': async (raw) => {
      const { from, to, fromMs, toMs } = dayRange(raw);
      const names = new Map(deps.tollgateKeys().map((k) => [k.id, k.name]));
      return reconcile({
        from,
        to,
        timezone: deps.timezone(),
        observed: deps.observed(from, to),
        mapped: view.mapped(fromMs, toMs),
        connections: connections.map((c) => ({
          connection: c,
          source: sourceOf(c.provider),
          keyIds: c.keys.map((k) => k.fingerprint ?? k.id),
        })),
        dayKey: deps.dayKey,
        tollgateKeyName: (id) => names.get(id) ?? null,
        formatTime,
      });
    },
  };

  return {
    api,
    reportedSpend: {
      rows: (fromMs, toMs) => view.reportedRows(fromMs, toMs),
      onChange(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    start: () => poller.start(),
    stop: () => poller.stop(),
    idle: () => poller.idle(),
    snapshot: () => ({ version: 1, connections, ...store.snapshot() }),
  };
}
