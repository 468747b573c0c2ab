import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ApiEvents, StatusDto, TollgateApi } from '../contract/api.js';
import { createBudgetModule, type BudgetModule } from './budgets/module.js';
import type { Settings } from '../contract/settings.js';
import type { RequestRecord } from '../contract/usage.js';
import { createAdminHttp, sendJson } from './admin/admin-http.js';
import { createAlerts } from './alerts/alerts.js';
import type { Notifier } from './alerts/notifier.js';
import { createDashboardHttp } from './dashboard/dashboard-http.js';
import { createDashboardSessions } from './dashboard/sessions.js';
import { createExportApi } from './export/api.js';
import { createRequestsExportStream } from './export/stream-requests.js';
import { loadOrCreateAdminToken } from './admin/token.js';
import { createKeysApi } from './keys/api.js';
import { createKeyRing, type KeyRing } from './keys/key-ring.js';
import { createLedgerApi } from './ledger/api.js';
import { createLedger, type Ledger } from './ledger/ledger.js';
import { createHistoryModule, type HistoryModule } from './history/module.js';
import { createHistoryApi, EXPORT_PATH, handleHistoryExport, type HistoryApiDeps } from './history/api.js';
import type { CodingLogImporter } from './coding-logs/importer.js';
import { wireCodingLogs } from './coding-logs/wire.js';
import { createRoutingApi } from './routing/api.js';
import { createRouting } from './routing/routing.js';
import { createSubscriptions, type Subscriptions } from './subscriptions/subscriptions.js';
import { wireTelemetry, type TelemetryWired } from './telemetry/wire.js';
import { PRICE_CORRECTIONS } from './pricing/corrections.js';
import { createPriceDatabase } from './pricing/price-database.js';
import { createPricingApi } from './pricing/api.js';
import { createPricer } from './pricing/pricer.js';
import { createProvidersApi } from './providers/api.js';
import { createSettingsApi } from './settings/api.js';
import { createStatusApi } from './status-api.js';
import { createForwarder, type ProxyDeps } from './proxy/forward.js';
import { isLoopback } from './proxy/request-gate.js';
import { createHttpServer } from './proxy/server.js';
import { createWebSocketProxy } from './proxy/websocket/proxy.js';
import type { BuiltinProvider } from './providers/index.js';
import { createAgents, createProviderRegistry, type ProviderRegistry } from './providers/registry.js';
import type { Secrets } from './secrets/secrets.js';
import { loadSettings, upstreamEnvOverrides } from './settings/settings.js';
import type { DocumentStore } from './store/document-store.js';
import { createPersistence } from './store/persistence.js';
import { USAGE_SOURCES } from './providers/usage-sources.js';
import type { Timers } from './polling/timers.js';
import { createUsagePolling, type UsagePolling } from './polling/polling.js';
import { createDayKeyer, resolveZone } from './time/zoned.js';
import { systemClock, type Clock } from './util/clock.js';
import { createEmitter, type Emitter } from './util/events.js';
import { createIdGenerator } from './util/ids.js';
import { createConsoleLogger, type Logger } from './util/log.js';
import { createLazyTokenizer } from './tokens/tokenizer.js';
import { createHierarchyApi } from './hierarchy/api.js';
import { withHierarchyWarnings } from './hierarchy/budget-warnings.js';
import { createTeams, type Teams } from './hierarchy/teams.js';
import { createTeamApi, shareEdits } from './team/api.js';
import { createTeam, type Team } from './team/team.js';

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
  /** Shows budget alerts on the desktop; none in tests unless given. */
  notifier?: Notifier | null;
  /** Serves the built dashboard (electron-vite's out/renderer) to browsers, behind a sign-in (headless mode). */
  dashboard?: { root: string };
  /** Slow-loris limits (tests shorten them): time to receive headers, and the longest silence inside a body. */
  headersTimeoutMs?: number;
  bodyIdleTimeoutMs?: number;
  /** Usage polling's and the alert webhook's HTTP client, and polling's timers (tests point them at fakes). */
  fetch?: typeof fetch;
  timers?: Timers;
  /** Built-in provider entries beside the registry's own, each one folder's `create` and a default base URL. */
  extraProviders?: readonly BuiltinProvider[];
  /**
   * Imports coding-tool spend from local logs (while the importCodingLogs setting is on). The app passes the
   * tools' own folders (coding-logs/roots.ts); tests pass temp folders; left out, nothing is imported.
   */
  codingLogs?: { claudeRoots: readonly string[]; codexRoots: readonly string[]; pollMs?: number };
  /** Team mode: share budgets through this Redis (redis://, rediss://); see docs/team.md. */
  redisUrl?: string;
  /** Team mode's key prefix and reservation lease (tests shorten the lease). */
  team?: { prefix?: string; leaseMs?: number };
  /** Keeps every request in the data folder's history database (default on); off, the ledger works alone. */
  history?: boolean;
  /**
   * The desktop app's save dialog, for history.saveExport: where to write an export (null: cancelled). Left
   * out (headless), the channel is refused and the browser downloads from /api/history/export instead.
   */
  chooseExportFile?: (suggestedName: string) => Promise<string | null>;
}

export type CoreEvents = ApiEvents & Record<string, unknown>;

export interface Core {
  start(): Promise<{ url: string; host: string; port: number }>;
  stop(): Promise<void>;
  readonly api: TollgateApi;
  readonly events: Emitter<CoreEvents>;
  /** The admin API's bearer token (the data folder's admin-token file). */
  readonly adminToken: string;
  readonly url: string;
  /**
   * Records requests without the proxy: the dashboard's scale test (test/e2e/dashboard-scale.test.ts) seeds
   * thousands of them. Everything else reads and changes the core through `api`.
   */
  readonly ledger: Pick<Ledger, 'record'>;
  /** Writes what changed to the store now, rather than at the next flush interval. */
  flush(): boolean;
  /** A one-time sign-in link for the browser dashboard (valid 10 minutes); null before start(). */
  dashboardLoginUrl(): string | null;
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
    // The ledger's summary never counts an imported call whose journal write has not landed: killed in between, the
    // restart would read that call again from its log and count it a second time.
    durable: () => historyModule?.history.durable() ?? Promise.resolve(),
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
  let registry: ProviderRegistry = createProviderRegistry(settings, envUpstreams, agents, opts.extraProviders);

  const keys: KeyRing = fromStored('keys', (initial) => createKeyRing({ secrets: opts.secrets, clock, initial, onChange: persistence.section('keys', () => keys.snapshot()) }));
  const dayKey = createDayKeyer(() => settings.timezone);
  const historyModule: HistoryModule | null =
    opts.history === false
      ? null
      : createHistoryModule({
          dataDir: opts.dataDir, clock, log, dayKey, storedLedger: stored.ledger,
          retentionDays: () => settings.historyRetentionDays,
          // Commits on a worker thread (history/commit-worker.ts); TOLLGATE_HISTORY_WORKER=0 keeps them on the main thread.
          commitWorker: env.TOLLGATE_HISTORY_WORKER !== '0',
          // Later: a problem found while opening is reported before the rest of the core exists.
          onProblems: () => queueMicrotask(() => events.emit('status.changed', status())),
        });
  const ledger: Ledger = fromStored('ledger', (initial) =>
    createLedger({
      history: historyModule?.history,
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
  const alerts = createAlerts({
    events,
    notifier: opts.notifier ?? null,
    persistence,
    stored: stored.alerts,
    clock,
    log,
    webhookUrl: () => settings.alertWebhookUrl,
    fetch: opts.fetch ?? globalThis.fetch,
  });
  let team: Team | null = null;
  const budgets: BudgetModule = fromStored('budgets', (initial) => createBudgetModule({
    dataDir: opts.dataDir,
    clock,
    log,
    settings: () => settings,
    pricer,
    tokenizer: createLazyTokenizer((err) => log.warn('tokenizer failed to load; admission uses byte bounds', { error: String(err) })),
    ledger,
    // Alerts and suggestions name keys the way people know them: "Claude Code (tg_…x1Yz)".
    keyLabel: (id) => {
      const k = keys.get(id);
      return k ? (k.name ? `${k.name} (${k.label})` : k.label) : id;
    },
    initial,
    markDirty: persistence.section('budgets', () => budgets.engine.snapshot()),
    // In team mode one instance of the team delivers each alert (team/alerts-once.ts).
    onAlert: (a) => (team ? team.claimAlert(a, () => events.emit('budget.alert', a)) : events.emit('budget.alert', a)),
    onStatuses: (list) => {
      if (events.listening('budgets.changed')) events.emit('budgets.changed', list());
    },
  }));
  // The hierarchy's teams: budgets scoped to a team find a call's team here.
  const teams: Teams = fromStored('teams', (initial) => createTeams({ initial, onChange: persistence.section('teams', () => teams.snapshot()) }));
  budgets.engine.setTeamOf(teams.teamOf);
  const hierarchyApi = createHierarchyApi({ teams, ledger, engine: budgets.engine, keys, clock, settings: () => settings });
  const { token: adminToken, file: adminTokenFile, problem: tokenProblem } = loadOrCreateAdminToken(opts.dataDir);
  if (tokenProblem) problems.push(tokenProblem);
  const sessions = createDashboardSessions({
    clock,
    file: path.join(opts.dataDir, 'dashboard-sessions.json'),
    onProblem: (message) => log.warn(message),
  });

  let bound: { url: string; host: string; port: number } | null = null;
  let refused = 0;
  const startedAt = clock.now();
  const status = (): StatusDto => ({
    version: opts.version ?? '0.0.0',
    url: bound?.url ?? '',
    host: bound?.host ?? opts.host ?? DEFAULT_HOST,
    port: bound?.port ?? opts.port ?? DEFAULT_PORT,
    dataDir: opts.dataDir,
    storePath: opts.store.path,
    problems: [...problems, ...budgets.problems(), ...persistence.problems(), ...(historyModule?.history.problems() ?? [])],
    priceSource: db.source,
    priceCorrections: PRICE_CORRECTIONS.map((c) => ({ id: c.id, models: [...c.models], note: c.note, url: c.url })),
    startedAt,
    timezone: resolveZone(settings.timezone),
    hardStopEnforcement: settings.hardStopEnforcement,
    paused: settings.paused,
    ...(team ? { team: team.status() } : {}),
  });

  const updateSettings = (next: Settings) => {
    if (next.hardStopEnforcement !== settings.hardStopEnforcement) {
      budgets.engine.recordAudit('setting', `Hard-stop enforcement turned ${next.hardStopEnforcement ? 'on' : 'off'}.`);
    }
    if (next.paused !== settings.paused) budgets.engine.recordAudit('setting', next.paused ? 'All AI traffic paused.' : 'AI traffic resumed.');
    settings = next;
    registry = createProviderRegistry(settings, envUpstreams, agents, opts.extraProviders);
    markSettings();
    syncCodingLogs();
    events.emit('status.changed', status());
  };

  if (opts.redisUrl) {
    team = createTeam({
      url: opts.redisUrl,
      dataDir: opts.dataDir,
      ...opts.team,
      engine: budgets.engine,
      settings: () => settings,
      updateSettings,
      clock,
      log,
      onStatus: () => events.emit('status.changed', status()),
      rows: (day) => ledger.rollups(day, day),
      dayKey,
    });
  }

  const usage: UsagePolling = fromStored('usage', (initial) => createUsagePolling({
    sources: USAGE_SOURCES, fetch: opts.fetch ?? globalThis.fetch, timers: opts.timers, env, clock, secrets: opts.secrets, log, pricer, dayKey, events,
    observed: (from, to) => ledger.rollups(from, to), tollgateKeys: () => keys.list(), timezone: () => resolveZone(settings.timezone),
    initial, onChange: persistence.section('usage', () => usage.snapshot()), periodStarts: () => budgets.engine.list().map((b) => b.periodStart),
  }));
  budgets.engine.setReportedSource(usage.reportedSpend);
  historyModule?.attach(ledger, budgets.engine);
  const settingsAccess = { settings: () => settings, updateSettings };
  const subscriptions: Subscriptions = fromStored('subscriptions', (initial) =>
    createSubscriptions({ clock, notifier: opts.notifier ?? null, initial, onChange: persistence.section('subscriptions', () => subscriptions.snapshot()) }));
  events.on('request.recorded', (r) => subscriptions.observe(r as RequestRecord));
  const codingLogs: CodingLogImporter | null = opts.codingLogs
    ? fromStored('codingLogs', (initial) =>
        wireCodingLogs({ ...opts.codingLogs!, ledger, budgets: budgets.engine, events, pricer, clock, log, initial, keysFile: path.join(opts.dataDir, 'coding-logs-keys.bin'), onChange: persistence.section('codingLogs', () => codingLogs!.snapshot()), onCodexRateLimits: (rl) => subscriptions.observeCodex(rl),
          // The import records no faster than the history commits (history.ts room()).
          room: historyModule ? () => historyModule.history.room() : undefined,
          history: historyModule?.history }))
    : null;
  const telemetry: TelemetryWired = fromStored('telemetry', (initial) =>
    wireTelemetry({ ledger, latest: historyModule ? (n) => historyModule.history.latest(n) : undefined, budgets: budgets.engine, events, keys, pricer, clock, initial, onChange: persistence.section('telemetry', () => telemetry.intake.snapshot()), bodyIdleTimeoutMs: opts.bodyIdleTimeoutMs }));
  const syncCodingLogs = () => {
    if (!codingLogs || !bound) return;
    if (settings.importCodingLogs) codingLogs.start();
    else codingLogs.stop();
  };
  const historyApiDeps: HistoryApiDeps = {
    history: historyModule?.history ?? null,
    retentionDays: () => settings.historyRetentionDays,
    dayKey,
    keyName: (id) => keys.get(id)?.name ?? keys.get(id)?.label ?? null,
    ...(opts.chooseExportFile ? { chooseExportFile: opts.chooseExportFile } : {}),
  };
  const routeOf = (id: string) => registry.routes().find((r) => r.provider.id === id);
  // Each domain validates its own methods' input (its schemas.ts); this only joins the parts.
  const api: TollgateApi = {
    ...createStatusApi({ status }),
    ...createLedgerApi({ ledger }),
    ...createKeysApi({ keys, providerIds: () => registry.routes().map((r) => r.provider.id) }),
    ...createProvidersApi({ ...settingsAccess, registry: () => registry, url: () => status().url }),
    ...createPricingApi({
      pricer,
      clock,
      target: (id) => {
        const p = routeOf(id)?.provider;
        return p ? { routeId: id, pricingProviderId: p.pricingProviderId, free: p.free } : null;
      },
    }),
    ...createSettingsApi(settingsAccess),
    ...withHierarchyWarnings(budgets.api, hierarchyApi['hierarchy.check']),
    ...usage.api,
    ...createExportApi({ ledger, keys, dayKey, history: historyModule?.history }),
    ...createHistoryApi(historyApiDeps),
    ...createRoutingApi({
      routing: createRouting({ dataDir: opts.dataDir, env, clock, proxyUrl: () => bound?.url ?? null }),
      subscriptions,
      importNow: codingLogs ? () => codingLogs.sync() : null,
    }),
    ...hierarchyApi,
    ...createTeamApi({ team: () => team, budgetExists: (id) => budgets.engine.get(id) !== null }),
  };
  if (team) shareEdits(api, team);
  const proxyDeps: ProxyDeps = {
    keys,
    pricer,
    admission: () => team?.admission ?? budgets.engine,
    settings: () => settings,
    clock,
    nextId: createIdGenerator('req'),
    record: (r) => ledger.record(r),
    afterWrite: historyModule ? (cb) => historyModule.history.afterWrite(cb) : undefined,
    log,
    requireTollgateKey: () => bound !== null && !isLoopback(bound.host),
    bodyIdleTimeoutMs: opts.bodyIdleTimeoutMs,
  };
  const forwarder = createForwarder(proxyDeps);
  const sockets = createWebSocketProxy(proxyDeps);
  const server = createHttpServer({
    registry: () => registry,
    forward: (req, res, m, q) => forwarder.handle(req, res, m.route, m.rest, q),
    upgrade: (req, socket, head, m, q) => sockets.handle(req, socket, head, m.route, m.rest, q),
    admin: createAdminHttp({
      api, token: () => adminToken, events, sessions,
      downloads: { [EXPORT_PATH]: (req, res, q) => handleHistoryExport(historyApiDeps, req, res, q) },
      // With the history, a request export can be a year of rows: written as read, never one string (IPC still gets one).
      streamed: historyModule ? { 'export.requests': createRequestsExportStream({ ledger, history: historyModule.history, keyName: historyApiDeps.keyName, dayKey }) } : {},
    }),
    otlp: telemetry.http,
    dashboard: opts.dashboard
      ? createDashboardHttp({ root: opts.dashboard.root, sessions, token: () => adminToken, tokenFile: adminTokenFile })
      : undefined,
    bound: () => bound,
    refuseAdmin: (res, status, message) => sendJson(res, status, { ok: false, error: { code: 'forbidden', message } }),
    onRefused: (reason) => {
      refused++;
      // A page hammering Tollgate must not flood the log: the first refusals, then one line per thousand.
      if (refused <= 20 || refused % 1000 === 0) log.warn('refused a request', { reason, total: refused });
    },
    headersTimeoutMs: opts.headersTimeoutMs,
  });
  for (const p of problems) log.warn(p);

  return {
    api,
    events,
    adminToken,
    ledger: { record: (r) => ledger.record(r) },
    get url() {
      return bound?.url ?? '';
    },
    flush: () => persistence.flush(),
    dashboardLoginUrl: () => (bound ? `${bound.url}/login?code=${sessions.mintCode()}` : null),
    async start() {
      await team?.start();
      return new Promise((resolve, reject) => {
        const host = opts.host ?? DEFAULT_HOST;
        server.once('error', reject);
        server.listen(opts.port ?? DEFAULT_PORT, host, () => {
          server.off('error', reject);
          const addr = server.address() as AddressInfo;
          const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          bound = { url: `http://${shown}:${addr.port}`, host: addr.address, port: addr.port };
          persistence.start();
          historyModule?.start();
          alerts.start();
          budgets.start();
          usage.start();
          syncCodingLogs();
          resolve(bound);
        });
      });
    },
    async stop() {
      await team?.stop();
      return new Promise((resolve) => {
        alerts.stop();
        usage.stop();
        codingLogs?.stop();
        budgets.stop();
        persistence.stop();
        historyModule?.stop();
        server.close(() => resolve());
        server.closeAllConnections();
        sockets.close();
        agents.destroy();
      });
    },
  };
}

