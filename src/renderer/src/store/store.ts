/**
 * The dashboard's one store. The transport pushes into it through the actions below, which live outside React;
 * components only read (through useDash) and call actions. Nothing here knows which transport it talks to.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ApiEvents,
  BudgetAlert,
  BudgetInput,
  BudgetStatus,
  BudgetSuggestion,
  AuditEntry,
  CsvExport,
  HistoryPageDto,
  HistorySearchInput,
  HistoryExportInput,
  HistorySavedExportDto,
  ExportRange,
  OverrideInput,
  PriceLookupInput,
  PriceLookupResult,
  ProviderDto,
  RecentQuery,
  ReconciliationResult,
  SpendQuery,
  SaveConnectionInput,
  StatusDto,
  TeamFailMode,
  TestConnectionInput,
  UsageConnectionDto,
  UsageSourceDto,
  ConnectionFailedEvent,
} from '../../../main/contract/api';
import type { CreateKeyInput, KeyDto, UpdateKeyInput } from '../../../main/contract/keys';
import type { AllocationRequest, TeamsConfig } from '../../../main/contract/hierarchy';
import type { CustomProviderSettings, Settings } from '../../../main/contract/settings';
import type { RequestRecord } from '../../../main/contract/usage';
import { errorText, toApiError } from '../api/errors';
import type { ConnectionState, Transport, WatchedEvent } from '../api/transport';
import { cacheSavings, type CacheSavings } from '../lib/cache-savings';
import { dayKeyIn, monthEnd, monthStart } from '../../../shared/days';
import { addAlert, ALERT_LIMIT, matchesFilter, mergeRecent } from './lists';
import { applyRecords, spendFromRows, type SpendState } from './spend';
import { forecastWindowStart } from '../../../shared/forecast';

/** Data that may still be loading (both null), loaded, or failed to load (error in words). */
export interface Loadable<T> {
  data: T | null;
  error: string | null;
}

export interface Toast {
  id: string;
  kind: 'alert' | 'info' | 'error';
  title: string;
  body?: string;
}

export interface DashState {
  connection: ConnectionState;
  now: number;
  status: Loadable<StatusDto>;
  settings: Loadable<Settings>;
  keys: Loadable<KeyDto[]>;
  providers: Loadable<ProviderDto[]>;
  budgets: Loadable<BudgetStatus[]>;
  suggestions: Loadable<BudgetSuggestion[]>;
  alerts: Loadable<BudgetAlert[]>;
  audit: Loadable<AuditEntry[]>;
  spend: Loadable<SpendState>;
  recent: Loadable<RequestRecord[]>;
  recentFilter: RecentQuery;
  /** Provider usage polling: admin-key connections, and this month's observed-vs-reported reconciliation. */
  usageSources: Loadable<UsageSourceDto[]>;
  usageConnections: Loadable<UsageConnectionDto[]>;
  reconciliation: Loadable<ReconciliationResult>;
  toasts: Toast[];
}

const loading = <T>(): Loadable<T> => ({ data: null, error: null });

export function initialState(now: number): DashState {
  return {
    connection: 'connecting',
    now,
    status: loading(),
    settings: loading(),
    keys: loading(),
    providers: loading(),
    budgets: loading(),
    suggestions: loading(),
    alerts: loading(),
    audit: loading(),
    spend: loading(),
    recent: loading(),
    recentFilter: {},
    usageSources: loading(),
    usageConnections: loading(),
    reconciliation: loading(),
    toasts: [],
  };
}

export interface StoreOptions {
  now?: () => number;
  /** Recorded requests are applied in batches this often, so a burst re-renders once. */
  flushMs?: number;
  /** Without a push channel, how often to poll. */
  pollMs?: number;
  /** How often the clock the views show ("resets in …") moves. */
  tickMs?: number;
  /** How often to reload from the core anyway, correcting any drift from missed events. */
  reconcileMs?: number;
  toastMs?: number;
}

/** The zone days are counted in: the core's, once known. */
export function zoneOf(s: DashState): string {
  return s.status.data?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function todayOf(s: DashState): string {
  return dayKeyIn(s.now, zoneOf(s));
}

export type DashStore = StoreApi<DashState>;
export type Actions = ReturnType<typeof createActions>;

export interface Dashboard {
  store: DashStore;
  actions: Actions;
  transport: Transport;
}

export function createDashboard(transport: Transport, opts: StoreOptions = {}): Dashboard {
  const now = opts.now ?? (() => Date.now());
  const store = createStore<DashState>(() => initialState(now()));
  return { store, actions: createActions(store, transport, { ...opts, now }), transport };
}

function createActions(store: DashStore, transport: Transport, opts: StoreOptions & { now: () => number }) {
  const api = transport.api;
  const set = store.setState;
  const get = store.getState;
  const flushMs = opts.flushMs ?? 250;

  let pending: RequestRecord[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let spendLoading = 0;
  let missedWhileLoading = false;
  let spendRetry: ReturnType<typeof setTimeout> | null = null;
  let keysRefresh: ReturnType<typeof setTimeout> | null = null;
  let reconcileTimer: ReturnType<typeof setTimeout> | null = null;
  let toastSeq = 0;
  const timers: ReturnType<typeof setInterval>[] = [];
  let unsubscribe: (() => void) | null = null;

  /** Loads one resource into its slot; keeps the old data on failure so a hiccup does not blank a view. */
  async function load<K extends keyof DashState>(key: K, fetcher: () => Promise<NonNullable<DashState[K] extends Loadable<infer T> ? T : never>>) {
    try {
      const data = await fetcher();
      set({ [key]: { data, error: null } } as unknown as Partial<DashState>);
    } catch (err) {
      const prev = get()[key] as Loadable<unknown>;
      set({ [key]: { data: prev.data, error: errorText(err) } } as unknown as Partial<DashState>);
    }
  }

  const dayOf = (ts: number) => dayKeyIn(ts, zoneOf(get()));

  async function refreshSpend() {
    const s = get();
    const today = todayOf(s);
    const from = forecastWindowStart({ today, periodFrom: monthStart(today) });
    const to = monthEnd(today);
    spendLoading++;
    missedWhileLoading = false;
    try {
      const [byKey, byModel] = await Promise.all([
        api['spend.query']({ from, to, groupBy: ['day', 'keyId'] }),
        api['spend.query']({ from, to, groupBy: ['day', 'model'] }),
      ]);
      set({ spend: { data: spendFromRows(from, to, byKey.rows, byModel.rows), error: null } });
    } catch (err) {
      set({ spend: { data: get().spend.data, error: errorText(err) } });
    } finally {
      spendLoading--;
    }
    // Requests recorded while the query ran may or may not be in its answer; ask again rather than guess.
    if (missedWhileLoading && !spendRetry) {
      spendRetry = setTimeout(() => {
        spendRetry = null;
        void refreshSpend();
      }, 1000);
    }
  }

  function flush() {
    flushTimer = null;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const s = get();
    const patch: Partial<DashState> = { now: opts.now() };
    if (s.spend.data && spendLoading === 0) patch.spend = { data: applyRecords(s.spend.data, batch, dayOf), error: s.spend.error };
    else missedWhileLoading = true;
    if (s.recent.data) {
      const matching = batch.filter((r) => matchesFilter(r, s.recentFilter));
      patch.recent = { data: mergeRecent(s.recent.data, matching), error: s.recent.error };
    }
    set(patch);
    const known = new Set((s.keys.data ?? []).map((k) => k.id));
    if (s.keys.data && batch.some((r) => !known.has(r.keyId)) && !keysRefresh) {
      // A key seen for the first time (passthrough): fetch its name and label.
      keysRefresh = setTimeout(() => {
        keysRefresh = null;
        void load('keys', () => api['keys.list']());
      }, 500);
    }
  }

  /** This month, in the core's zone: what the overview compares. */
  function refreshReconciliation() {
    const today = todayOf(get());
    return load('reconciliation', () => api['usage.reconciliation']({ from: monthStart(today), to: today }));
  }

  /** Polls land in bursts (one event per connection): reconcile once after them. */
  function reconcileSoon() {
    if (reconcileTimer) return;
    reconcileTimer = setTimeout(() => {
      reconcileTimer = null;
      void refreshReconciliation();
    }, 500);
  }

  function toast(t: Omit<Toast, 'id'>) {
    const id = `t${++toastSeq}`;
    // Three at most: a burst of alerts must not cover the page; the Notices list keeps them all.
    set({ toasts: [...get().toasts, { ...t, id }].slice(-3) });
    if (opts.toastMs !== 0) setTimeout(() => dismissToast(id), opts.toastMs ?? 10_000);
  }

  function dismissToast(id: string) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  }

  function onEvent<E extends WatchedEvent>(name: E, payload: ApiEvents[E]) {
    switch (name) {
      case 'request.recorded':
        pending.push(payload as RequestRecord);
        if (!flushTimer) flushTimer = setTimeout(flush, flushMs);
        break;
      case 'status.changed':
        set({ status: { data: payload as StatusDto, error: null } });
        // Hard stop and pause may have been switched from the tray.
        void load('settings', () => api['settings.get']());
        break;
      case 'budgets.changed':
        set({ budgets: { data: payload as BudgetStatus[], error: null } });
        break;
      case 'usage.connectionsChanged':
        set({ usageConnections: { data: payload as UsageConnectionDto[], error: null } });
        break;
      case 'usage.updated':
        reconcileSoon();
        break;
      case 'usage.connectionFailed': {
        const f = payload as ConnectionFailedEvent;
        toast({ kind: 'error', title: `Usage polling: ${f.connection.name}`, body: f.message });
        break;
      }
      case 'budget.alert': {
        const a = payload as BudgetAlert;
        set({ alerts: { data: addAlert(get().alerts.data ?? [], a), error: null } });
        toast({ kind: 'alert', title: a.title, body: a.body });
        break;
      }
    }
  }

  const actions = {
    /** Loads everything and starts live updates. Returns a stop function. */
    start(): () => void {
      unsubscribe = transport.subscribe(onEvent, (state) => {
        const was = get().connection;
        set({ connection: state });
        // Back after a gap: anything could have happened meanwhile.
        if (state === 'live' && (was === 'reconnecting' || was === 'signed-out')) void actions.refreshAll();
      });
      void actions.refreshAll();
      const polling = () => get().connection === 'polling';
      timers.push(setInterval(() => set({ now: opts.now() }), opts.tickMs ?? 15_000));
      timers.push(
        setInterval(() => {
          if (polling()) void actions.refreshLive();
        }, opts.pollMs ?? 3000),
      );
      timers.push(setInterval(() => void actions.refreshSlow(), opts.reconcileMs ?? 30_000));
      return actions.stop;
    },

    stop() {
      unsubscribe?.();
      unsubscribe = null;
      for (const t of timers.splice(0)) clearInterval(t);
      for (const t of [flushTimer, spendRetry, keysRefresh, reconcileTimer]) if (t) clearTimeout(t);
    },

    async refreshAll() {
      await load('status', () => api['status.get']());
      await Promise.all([
        load('settings', () => api['settings.get']()),
        load('keys', () => api['keys.list']()),
        load('providers', () => api['providers.list']()),
        load('budgets', () => api['budgets.list']()),
        load('alerts', () => api['alerts.recent']({ limit: 20 })),
        refreshSpend(),
        actions.loadRecent(get().recentFilter),
        actions.refreshUsage(),
      ]);
    },

    /** What changes with traffic: for polling, where no events arrive. */
    async refreshLive() {
      await Promise.all([
        load('status', () => api['status.get']()),
        load('budgets', () => api['budgets.list']()),
        refreshSpend(),
        actions.loadRecent(get().recentFilter),
      ]);
    },

    /** Reconciles the incrementally kept figures with the core's. */
    async refreshSlow() {
      const today = todayOf(get());
      const data = get().spend.data;
      // A new day (or month) began: the window moves.
      if (!data || today > data.to || monthStart(today) !== monthStart(data.to)) await refreshSpend();
      else await Promise.all([refreshSpend(), load('budgets', () => api['budgets.list']())]);
      if (get().usageConnections.data?.length) await refreshReconciliation();
    },

    /** Connections first; the reconciliation only when there is something to reconcile. */
    async refreshUsage() {
      await load('usageConnections', () => api['usage.connections.list']());
      if (get().usageConnections.data?.length) await refreshReconciliation();
    },
    refreshReconciliation,
    refreshUsageSources: () => load('usageSources', () => api['usage.sources']()),

    async saveConnection(input: SaveConnectionInput) {
      const c = await call(() => api['usage.connections.save'](input));
      await actions.refreshUsage();
      return c;
    },
    async deleteConnection(id: string) {
      const r = await call(() => api['usage.connections.delete']({ id }));
      await actions.refreshUsage();
      return r;
    },
    testConnection: (input: TestConnectionInput) => call(() => api['usage.connections.test'](input)),
    async pollNow(id?: string) {
      const list = await call(() => api['usage.pollNow'](id ? { id } : {}));
      set({ usageConnections: { data: list, error: null } });
      await refreshReconciliation();
      return list;
    },
    loadReconciliation: (range: { from: string; to: string }) => call(() => api['usage.reconciliation'](range)),

    /** Cache savings over days (inclusive): the ledger's cache reads per model, priced by the core's price lookup. */
    async loadCacheSavings(range: { from: string; to: string }): Promise<CacheSavings> {
      const { rows } = await call(() => api['spend.query']({ ...range, groupBy: ['provider', 'model'] }));
      const cached = rows.filter((r) => r.cacheReadTokens > 0 && r.provider && r.model);
      const prices = new Map<string, PriceLookupResult>();
      await Promise.all(
        cached.map(async (r) => prices.set(`${r.provider}\u0000${r.model}`, await call(() => api['prices.lookup']({ provider: r.provider!, model: r.model! })))),
      );
      return cacheSavings(cached, (provider, model) => prices.get(`${provider}\u0000${model}`));
    },

    /** A one-off spend query for a view's own range or grouping; the shared month tables stay as they are. */
    querySpend: (q: SpendQuery) => call(() => api['spend.query'](q)),

    refreshSpend,
    refreshKeys: () => load('keys', () => api['keys.list']()),
    refreshBudgets: () => load('budgets', () => api['budgets.list']()),
    refreshSuggestions: () => load('suggestions', () => api['budgets.suggestions']()),
    /** With a kind, the core filters: the latest 200 of that kind, not the few among the latest 200 of all. */
    refreshAudit: (kind?: string) => load('audit', () => api['audit.list']({ limit: 200, ...(kind ? { kind } : {}) })),
    refreshAlerts: () => load('alerts', () => api['alerts.recent']({ limit: ALERT_LIMIT })),
    refreshProviders: () => load('providers', () => api['providers.list']()),
    refreshSettings: () => load('settings', () => api['settings.get']()),

    async loadRecent(filter: RecentQuery) {
      set({ recentFilter: filter });
      try {
        const list = await api['requests.recent']({ ...filter, limit: 200 });
        // Records pushed while this was in flight are kept: merge, not replace.
        const s = get();
        if (s.recentFilter !== filter) return;
        const live = (s.recent.data ?? []).filter((r) => matchesFilter(r, filter) && r.ts >= (list[list.length - 1]?.ts ?? 0));
        set({ recent: { data: mergeRecent(list, live), error: null } });
      } catch (err) {
        set({ recent: { data: get().recent.data, error: errorText(err) } });
      }
    },

    // ---- changes: each throws an ApiError (with the field at fault) for the form to show ----

    async createKey(input: CreateKeyInput) {
      const r = await call(() => api['keys.create'](input));
      await actions.refreshKeys();
      return r;
    },
    async updateKey(input: UpdateKeyInput) {
      const k = await call(() => api['keys.update'](input));
      set({ keys: { data: (get().keys.data ?? []).map((x) => (x.id === k.id ? k : x)), error: null } });
      return k;
    },
    async revokeKey(id: string) {
      const k = await call(() => api['keys.revoke']({ id }));
      set({ keys: { data: (get().keys.data ?? []).map((x) => (x.id === k.id ? k : x)), error: null } });
      return k;
    },

    async saveBudget(input: BudgetInput, id?: string) {
      const b = await call(() => (id ? api['budgets.update']({ ...input, id }) : api['budgets.create'](input)));
      await actions.refreshBudgets();
      return b;
    },
    /** Team mode: what a shared budget does while the link to Redis is down ('default': the team default). */
    async setFailMode(budgetId: string, mode: TeamFailMode | 'default') {
      const modes = await call(() => api['team.setFailMode']({ budgetId, mode }));
      await load('status', () => api['status.get']());
      return modes;
    },
    async deleteBudget(id: string) {
      const r = await call(() => api['budgets.delete']({ id }));
      await actions.refreshBudgets();
      return r;
    },
    async addOverride(input: OverrideInput) {
      const o = await call(() => api['budgets.override'](input));
      await actions.refreshBudgets();
      return o;
    },
    async cancelOverride(id: string) {
      const r = await call(() => api['budgets.cancelOverride']({ id }));
      await actions.refreshBudgets();
      return r;
    },

    async updateSettings(patch: Partial<Settings>) {
      const s = await call(() => api['settings.update'](patch));
      set({ settings: { data: s, error: null } });
      void load('status', () => api['status.get']());
      return s;
    },

    async saveProvider(p: CustomProviderSettings) {
      const r = await call(() => api['providers.saveCustom'](p));
      await Promise.all([actions.refreshProviders(), actions.refreshSettings()]);
      return r;
    },
    async deleteProvider(id: string) {
      const r = await call(() => api['providers.deleteCustom']({ id }));
      await Promise.all([actions.refreshProviders(), actions.refreshSettings()]);
      return r;
    },

    lookupPrice: (input: PriceLookupInput) => call(() => api['prices.lookup'](input)),

    exportCsv(kind: 'rollups' | 'requests', range: ExportRange): Promise<CsvExport> {
      return call(() => (kind === 'rollups' ? api['export.rollups'](range) : api['export.requests'](range)));
    },

    /** One-off reads for a view of its own, like querySpend: the shared lists stay as they are. */
    queryRecent: (q: RecentQuery) => call(() => api['requests.recent'](q)),
    loadHierarchy: () => call(() => api['hierarchy.report']()),
    loadTeams: () => call(() => api['teams.get']()),
    saveTeams: (cfg: TeamsConfig) => call(() => api['teams.set'](cfg)),
    proposeAllocation: (req: AllocationRequest) => call(() => api['allocation.propose'](req)),
    /** Creates the budgets of a confirmed allocation, one by one through budgets.create; stops at the first refused. */
    async createBudgets(list: readonly BudgetInput[]) {
      const made = [];
      try {
        for (const b of list) made.push(await call(() => api['budgets.create'](b)));
      } finally {
        await actions.refreshBudgets();
      }
      return made;
    },
    /** A page of the request history (every request of the retention period), for the Activity view's search. */
    searchHistory: (q: HistorySearchInput): Promise<HistoryPageDto> => call(() => api['history.search'](q)),
    /** The desktop app's export of a range: the main process asks where, then streams it into that file. */
    saveHistoryExport: (input: HistoryExportInput): Promise<HistorySavedExportDto> => call(() => api['history.saveExport'](input)),

    toast,
    dismissToast,
    /** Applies queued records now (tests and page hide). */
    flush,
  };
  return actions;
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toApiError(err);
  }
}
