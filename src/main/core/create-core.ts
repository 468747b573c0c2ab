import type { AddressInfo } from 'node:net';
import type { ApiEvents, StatusDto, TollgateApi } from '../contract/api.js';
import { createBudgetModule, type BudgetModule } from './budgets/module.js';
import type { Settings } from '../contract/settings.js';
import type { RequestRecord } from '../contract/usage.js';
import { createAdminHttp } from './admin/admin-http.js';
import { createApiHandlers } from './admin/handlers.js';
import { loadOrCreateAdminToken } from './admin/token.js';
import { createKeyRing, type KeyRing } from './keys/key-ring.js';
import { createLedger, type Ledger } from './ledger/ledger.js';
import { createPriceDatabase } from './pricing/price-database.js';
import { createPricer, type Pricer } from './pricing/pricer.js';
import type { Admission } from './proxy/admission.js';
import { createForwarder } from './proxy/forward.js';
import { createHttpServer } from './proxy/server.js';
import { createAgents, createProviderRegistry, type ProviderRegistry } from './providers/registry.js';
import type { Secrets } from './secrets/secrets.js';
import { loadSettings, upstreamEnvOverrides } from './settings/settings.js';
import type { DocumentStore } from './store/document-store.js';
import { createPersistence } from './store/persistence.js';
import { USAGE_SOURCES } from './providers/usage-sources.js';
import type { ReportedSpendSource } from './usage/reported-spend.js';
import type { Timers } from './usage/timers.js';
import { createUsagePolling, type UsagePolling } from './usage/usage-polling.js';
import { createDayKeyer, resolveZone } from './time/zoned.js';
import { systemClock, type Clock } from './util/clock.js';
import { createEmitter, type Emitter } from './util/events.js';
import { createIdGenerator } from './util/ids.js';
import { createConsoleLogger, type Logger } from './util/log.js';
import { createLazyTokenizer } from './tokens/tokenizer.js';

export const DEFAULT_PORT = 4848;
export const DEFAULT_HOST = '127.0.0.1';

export interface CoreOptions {
  dataDir: string;
  store: DocumentStore;
  secrets: Secrets;
  host?: string;
  port?: number;
  clock?: Clock;
  log?: Logger;
  env?: NodeJS.ProcessEnv;
  /** How often dirty data is written (default 1 s). */
  flushIntervalMs?: number;
  version?: string;
  /** Serves the dashboard's files in headless mode. */
  dashboard?: Parameters<typeof createHttpServer>[0]['dashboard'];
  /** Usage polling's HTTP client and timers (tests point them at fake admin APIs and a manual clock). */
  fetch?: typeof fetch;
  timers?: Timers;
}

export type CoreEvents = ApiEvents & Record<string, unknown>;

export interface Core {
  start(): Promise<{ url: string; host: string; port: number }>;
  stop(): Promise<void>;
  readonly api: TollgateApi;
  readonly events: Emitter<CoreEvents>;
  readonly adminToken: string;
  readonly url: string;
  readonly ledger: Ledger;
  readonly pricer: Pricer;
  /** Provider-reported spend (usage polling), which budgets counting "reported" or "max" add. */
  readonly reportedSpend: ReportedSpendSource;
  /** Swaps the admission policy (tests; the budget engine is the default). */
  setAdmission(a: Admission): void;
  readonly budgets: BudgetModule;
  /** Persisted sections other modules (budgets, pollers) register. */
  readonly persistence: ReturnType<typeof createPersistence>;
  readonly stored: Record<string, unknown>;
  settings(): Settings;
  flush(): boolean;
}

/**
 * Builds Tollgate's core from its ports: a data folder, a document store, a secrets sealer, a clock and a
 * logger. Nothing here imports electron; the app and headless mode both call this.
 */
export function createCore(opts: CoreOptions): Core {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createConsoleLogger();
  const env = opts.env ?? process.env;
  const problems: string[] = [...opts.store.problems];
  const stored = opts.store.load();
  const events = createEmitter<CoreEvents>((err) => log.error('event listener failed', { error: (err as Error).message }));
  const persistence = createPersistence({
    store: opts.store,
    log,
    clock,
    intervalMs: opts.flushIntervalMs,
    onProblems: () => events.emit('status.changed', status()),
  });

  // A section of the wrong shape (a hand edit, another version's file) must not stop Tollgate from starting: that
  // module starts empty, the file as it was is copied aside first (the next save overwrites it), and it is reported.
  let keptCopy: string | null | undefined;
  const storedProblem = (name: string, what: string) => {
    if (keptCopy === undefined) keptCopy = opts.store.keepCopy?.('unreadable') ?? null;
    problems.push(`the stored ${name} could not be read in full (${what})${keptCopy ? `; a copy of the file was kept as ${keptCopy}` : ''}`);
  };
  function fromStored<T>(name: string, build: (initial: unknown) => T): T {
    try {
      return build(stored[name]);
    } catch (err) {
      storedProblem(name, `${(err as Error).message}; it started empty`);
      return build(undefined);
    }
  }

  let settings = loadSettings(stored.settings, problems);
  const markSettings = persistence.section('settings', () => settings);
  const envUpstreams = upstreamEnvOverrides(env);
  const agents = createAgents();
  let registry: ProviderRegistry = createProviderRegistry(settings, envUpstreams, agents);

  const keys: KeyRing = fromStored('keys', (initial) => createKeyRing({ secrets: opts.secrets, clock, initial, onChange: persistence.section('keys', () => keys.snapshot()) }));
  const dayKey = createDayKeyer(() => settings.timezone);
  const ledger: Ledger = fromStored('ledger', (initial) =>
    createLedger({
      dayKey,
      recentLimit: () => settings.recentLimit,
      initial,
      onChange: persistence.section('ledger', () => ledger.snapshot()),
      onRecord: (r: RequestRecord) => events.emit('request.recorded', r),
      onDropped: (n) => storedProblem('ledger', `${n} malformed entries were left out`),
    }),
  );
  const db = createPriceDatabase();
  const pricer = createPricer({
    db,
    overrides: () => settings.priceOverrides,
    onError: (err) => log.warn('price database rejected a usage record', { error: (err as Error).message }),
  });
  const budgets: BudgetModule = fromStored('budgets', (initial) => createBudgetModule({
    dataDir: opts.dataDir,
    clock,
    log,
    settings: () => settings,
    pricer,
    tokenizer: createLazyTokenizer((err) => log.warn('tokenizer failed to load; admission uses byte bounds', { error: String(err) })),
    ledger,
    keyLabel: (id) => keys.get(id)?.label ?? id,
    initial,
    markDirty: persistence.section('budgets', () => budgets.engine.snapshot()),
    onAlert: (a) => events.emit('budget.alert', a),
    onStatuses: (list) => events.emit('budgets.changed', list),
  }));
  let admission: Admission = budgets.engine;
  const { token: adminToken } = loadOrCreateAdminToken(opts.dataDir);

  let bound: { url: string; host: string; port: number } | null = null;
  const startedAt = clock.now();
  const status = (): StatusDto => ({
    version: opts.version ?? '0.0.0',
    url: bound?.url ?? '',
    host: bound?.host ?? opts.host ?? DEFAULT_HOST,
    port: bound?.port ?? opts.port ?? DEFAULT_PORT,
    dataDir: opts.dataDir,
    storePath: opts.store.path,
    problems: [...problems, ...budgets.problems(), ...persistence.problems()],
    priceSource: db.source,
    startedAt,
    timezone: resolveZone(settings.timezone),
    hardStopEnforcement: settings.hardStopEnforcement,
    paused: settings.paused,
  });

  const updateSettings = (next: Settings) => {
    if (next.hardStopEnforcement !== settings.hardStopEnforcement) {
      budgets.engine.recordAudit('setting', `Hard-stop enforcement turned ${next.hardStopEnforcement ? 'on' : 'off'}.`);
    }
    if (next.paused !== settings.paused) budgets.engine.recordAudit('setting', next.paused ? 'All AI traffic paused.' : 'AI traffic resumed.');
    settings = next;
    registry = createProviderRegistry(settings, envUpstreams, agents);
    markSettings();
    events.emit('status.changed', status());
  };

  const usage: UsagePolling = fromStored('usage', (initial) => createUsagePolling({
    sources: USAGE_SOURCES, fetch: opts.fetch ?? globalThis.fetch, timers: opts.timers, env, clock, secrets: opts.secrets, log, pricer, dayKey, events,
    observed: (from, to) => ledger.rollups(from, to), tollgateKeys: () => keys.list(), timezone: () => resolveZone(settings.timezone),
    initial, onChange: persistence.section('usage', () => usage.snapshot()), periodStarts: () => budgets.engine.list().map((b) => b.periodStart),
  }));
  budgets.engine.setReportedSource(usage.reportedSpend);
  const api: TollgateApi = {
    ...createApiHandlers({ ledger, keys, pricer, registry: () => registry, settings: () => settings, updateSettings, status, clock }),
    ...budgets.api,
    ...usage.api,
  };
  const forwarder = createForwarder({
    keys,
    pricer,
    admission: () => admission,
    settings: () => settings,
    clock,
    nextId: createIdGenerator('req'),
    record: (r) => ledger.record(r),
    log,
  });
  const server = createHttpServer({
    registry: () => registry,
    forward: (req, res, m, q) => forwarder.handle(req, res, m.route, m.rest, q),
    admin: createAdminHttp({ api, token: () => adminToken, events }),
    dashboard: opts.dashboard,
  });
  for (const p of problems) log.warn(p);

  return {
    api,
    events,
    adminToken,
    ledger,
    pricer,
    budgets,
    reportedSpend: usage.reportedSpend,
    persistence,
    stored,
    settings: () => settings,
    get url() {
      return bound?.url ?? '';
    },
    setAdmission(a) {
      admission = a;
    },
    flush: () => persistence.flush(),
    start() {
      return new Promise((resolve, reject) => {
        const host = opts.host ?? DEFAULT_HOST;
        server.once('error', reject);
        server.listen(opts.port ?? DEFAULT_PORT, host, () => {
          server.off('error', reject);
          const addr = server.address() as AddressInfo;
          const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          bound = { url: `http://${shown}:${addr.port}`, host: addr.address, port: addr.port };
          persistence.start();
          budgets.start();
          usage.start();
          resolve(bound);
        });
      });
    },
    stop() {
      return new Promise((resolve) => {
        usage.stop();
        budgets.stop();
        persistence.stop();
        server.close(() => resolve());
        server.closeAllConnections();
        agents.http.destroy();
        agents.https.destroy();
      });
    },
  };
}
