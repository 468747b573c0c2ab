import type { PollingApiSpec } from '../../contract/api-polling.js';
import type { TestConnectionResult, UsageConnectionDto, UsageSourceDto } from '../../contract/polling.js';
import { redact } from '../keys/fingerprint.js';
import { zonedTimeToEpoch } from '../time/zoned.js';
import { randomToken } from '../util/ids.js';
import { schemaApi } from '../util/schema.js';
import { NotFoundError, requireHttpUrl, ValidationError } from '../util/validation.js';
import { DAY_MS } from './buckets.js';
import { checkKey, formatTime, freshPollState, newConnection, validateSave, type StoredConnection } from './connections.js';
import type { Poller } from './poller.js';
import { scrub } from './poller.js';
import type { UsagePollingDeps } from './polling.js';
import { UsageApiError, type ProviderClient } from './provider-client.js';
import { reconcile } from './reconciliation.js';
import { buildReported } from './reported.js';
import { pollingSchemas } from './schemas.js';
import type { SourceContext, UsageSource } from './types.js';
import type { UsageStore } from './usage-store.js';
import type { UsageView } from './usage-view.js';

/** What the polling API reads and changes: polling.ts's state, passed in whole. */
export interface PollingApiContext {
  deps: UsagePollingDeps;
  connections: () => StoredConnection[];
  /** Forgets a connection, its poller and its stored figures. */
  removeConnection: (id: string) => void;
  store: UsageStore;
  view: UsageView;
  poller: Poller;
  http: ProviderClient;
  sourceOf: (provider: string) => UsageSource;
  baseUrlFor: (provider: string, own: string | null) => string;
  baseUrlOf: (c: StoredConnection) => string;
  dtos: () => UsageConnectionDto[];
}

/** Usage polling's admin methods: connections (save, test, poll, delete) and the reports built on the buckets. */
export function createPollingApi(ctx: PollingApiContext) {
  const { deps, store, view, poller, http, sourceOf, baseUrlFor, baseUrlOf, dtos } = ctx;

  const get = (id: string) => {
    const c = ctx.connections().find((x) => x.id === id);
    if (!c) throw new NotFoundError(`No usage connection "${id}".`);
    return c;
  };

  /** The same key connected twice would count its spend twice. */
  const assertNotConnected = (provider: string, secret: string, except: string | null) => {
    for (const c of ctx.connections()) {
      if (c.provider !== provider || c.id === except) continue;
      let other: string | null = null;
      try {
        other = poller.secretOf(c);
      } catch {}
      if (other === secret) throw new ValidationError('adminKey', `is already connected as "${c.name}"`);
    }
  };

  /** Inclusive local days → [fromMs, toMs); default: the last 7 days. */
  const dayRange = (o: { from?: string; to?: string }) => {
    const now = deps.clock.now();
    const to = o.to ?? deps.dayKey(now);
    const from = o.from ?? deps.dayKey(now - 6 * DAY_MS);
    if (from > to) throw new ValidationError('from', 'must not be after "to"');
    const tz = deps.timezone();
    const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
    const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
    return { from, to, fromMs: zonedTimeToEpoch(tz, fy, fm, fd), toMs: zonedTimeToEpoch(tz, ty, tm, td + 1) };
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

  return schemaApi<PollingApiSpec>()(pollingSchemas, {
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
        ctx.connections().push(c);
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

    'usage.connections.delete': async ({ id }) => {
      const c = ctx.connections().find((x) => x.id === id);
      if (!c) return { deleted: false };
      ctx.removeConnection(id);
      deps.events.emit('usage.connectionsChanged', dtos());
      return { deleted: true };
    },

    'usage.connections.test': async (o) => {
      let source: UsageSource;
      let secret: string;
      let baseUrl: string;
      if (o.id !== undefined) {
        const c = get(o.id);
        source = sourceOf(c.provider);
        baseUrl = baseUrlOf(c);
        try {
          secret = poller.secretOf(c);
        } catch (err) {
          return { ok: false, message: `The stored key cannot be decrypted on this machine (${(err as Error).message}); paste it again.`, httpStatus: null, keysFound: null };
        }
      } else {
        const ids = deps.sources.map((s) => s.id);
        if (!ids.includes(o.provider!)) throw new ValidationError('provider', `must be one of ${ids.join(', ')}`);
        source = sourceOf(o.provider!);
        secret = o.adminKey!;
        checkKey(secret, source);
        baseUrl = baseUrlFor(source.id, o.baseUrl ? requireHttpUrl(o.baseUrl, 'baseUrl') : null);
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

    'usage.pollNow': async (o) => {
      const id = o.id ?? null;
      const targets = id === null ? ctx.connections().filter((c) => c.enabled) : [get(id)];
      const now = deps.clock.now();
      await Promise.all(
        targets
          // A provider's Retry-After holds for manual polls too.
          .filter((c) => c.enabled && !(c.lastErrorKind === 'rate-limited' && c.nextPollAt !== null && c.nextPollAt > now))
          .map((c) => poller.run(c.id)),
      );
      return (id === null ? ctx.connections() : targets).map((c) => poller.dto(c));
    },

    'usage.reported': async (o) => {
      const { from, to, fromMs, toMs } = dayRange(o);
      const only = o.connectionId === undefined ? null : get(o.connectionId).id;
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
          const c = ctx.connections().find((x) => x.id === cid);
          return c ? sourceOf(c.provider).routeId : 'unknown';
        },
      });
    },

    'usage.reconciliation': async (o) => {
      const { from, to, fromMs, toMs } = dayRange(o);
      const names = new Map(deps.tollgateKeys().map((k) => [k.id, k.name]));
      return reconcile({
        from,
        to,
        timezone: deps.timezone(),
        observed: deps.observed(from, to),
        mapped: view.mapped(fromMs, toMs),
        connections: ctx.connections().map((c) => ({
          connection: c,
          source: sourceOf(c.provider),
          keyIds: c.keys.map((k) => k.fingerprint ?? k.id),
        })),
        dayKey: deps.dayKey,
        tollgateKeyName: (id) => names.get(id) ?? null,
        formatTime,
      });
    },
  });
}
