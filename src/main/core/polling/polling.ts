import type { ApiPart } from '../../contract/api.js';
import type { PollingApiSpec, PollingEvents } from '../../contract/api-polling.js';
import type { KeyDto } from '../../contract/keys.js';
import type { RollupRow } from '../../contract/usage.js';
import type { ReportedSpendSource } from '../budgets/reported-spend.js';
import type { Pricer } from '../pricing/pricer.js';
import type { Secrets } from '../secrets/secrets.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { requireHttpUrl } from '../util/validation.js';
import { createPollingApi } from './api.js';
import type { StoredConnection } from './connections.js';
import { createPoller } from './poller.js';
import { createProviderClient } from './provider-client.js';
import { systemTimers, type Timers } from './timers.js';
import type { UsageSource } from './types.js';
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

  const api = createPollingApi({
    deps,
    connections: () => connections,
    removeConnection(id) {
      poller.forget(id);
      connections = connections.filter((x) => x.id !== id);
      store.removeConnection(id);
      view.invalidate();
      deps.onChange();
      notify();
    },
    store,
    view,
    poller,
    http,
    sourceOf,
    baseUrlFor,
    baseUrlOf,
    dtos,
  });

  return {
    api,
    reportedSpend: {
      rows: (fromMs, toMs) => view.reportedRows(fromMs, toMs),
      // Rows count only for a connection that still exists (usage-view.ts): with none, there is nothing to read.
      isEmpty: () => connections.length === 0,
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
