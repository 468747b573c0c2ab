import type { ApiEvents, TollgateApi } from '../../contract/api.js';
import { emptyTotals } from '../ledger/rollups.js';
import { dayKey, resolveZone, zonedParts } from '../time/zoned.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/events.js';
import type { Logger } from '../util/log.js';
import { dayFraction, monthEnd } from '../../../shared/days.js';
import { forecastWindowStart, periodForecast } from '../../../shared/forecast.js';
import { setupSnippets } from '../../../shared/setup-snippets.js';
import { buildTrayModel, type TrayModel, type TrayState } from './tray-model.js';

type FeedApi = Pick<TollgateApi, 'budgets.list' | 'spend.query' | 'keys.list' | 'status.get' | 'providers.list'> &
  Partial<Pick<TollgateApi, 'routing.status' | 'subscriptions.get'>>;

/** Events after which the tray may read differently. */
export const TRAY_EVENTS = ['request.recorded', 'budgets.changed', 'budget.alert', 'status.changed'] as const satisfies readonly (keyof ApiEvents)[];

export interface TrayFeed {
  start(): Promise<TrayModel>;
  stop(): void;
  /** Asks for a refresh; bursts collapse into at most one per interval. */
  request(): void;
  /** Refreshes at once (after the tray itself changed a setting). */
  refreshNow(): Promise<TrayModel>;
  readonly current: TrayModel | null;
  readonly stats: { refreshes: number; published: number; requests: number };
}


/**
 * Reads what the tray shows through the same API the dashboard uses, and republishes the tray model when it
 * changes. A burst of requests asks for hundreds of refreshes a second; they are throttled to one per
 * `intervalMs` (leading and trailing edge), and the model is handed on only when it differs from the last one,
 * so the native menu is rebuilt only when something a person would see changed.
 */
export function createTrayFeed(deps: {
  api: FeedApi;
  events: Pick<Emitter<ApiEvents & Record<string, unknown>>, 'on'>;
  clock: Clock;
  log: Logger;
  platform: NodeJS.Platform;
  openAtLogin: () => boolean | null;
  onModel: (m: TrayModel) => void;
  intervalMs?: number;
  /** The day rolls over with no event; a slow tick catches it. */
  tickMs?: number;
}): TrayFeed {
  const intervalMs = deps.intervalMs ?? 1000;
  const tickMs = deps.tickMs ?? 60_000;
  const stats = { refreshes: 0, published: 0, requests: 0 };
  let current: TrayModel | null = null;
  let lastJson = '';
  // Throttling runs on the monotonic clock; `deps.clock` (wall time, movable in tests) only decides the day.
  let lastStart = -Infinity;
  let running: Promise<TrayModel> | null = null;
  let pending = false;
  let timer: NodeJS.Timeout | null = null;
  let tick: NodeJS.Timeout | null = null;
  let stopped = false;
  const offs: (() => void)[] = [];

  async function readState(): Promise<TrayState> {
    const status = await deps.api['status.get']();
    const zone = resolveZone(status.timezone);
    const now = deps.clock.now();
    const p = zonedParts(now, zone);
    const today = dayKey(p);
    const monthStart = dayKey({ ...p, day: 1 });
    const rateFrom = forecastWindowStart({ today, periodFrom: monthStart });
    const [budgets, keys, providers, todaySpend, byKey, byModel, byDay, routing, windows] = await Promise.all([
      deps.api['budgets.list']().catch(() => null),
      deps.api['keys.list'](),
      deps.api['providers.list'](),
      deps.api['spend.query']({ from: today, to: today, groupBy: [] }),
      deps.api['spend.query']({ from: monthStart, to: today, groupBy: ['keyId'] }),
      deps.api['spend.query']({ from: monthStart, to: today, groupBy: ['model'] }),
      deps.api['spend.query']({ from: rateFrom, to: today, groupBy: ['day'] }),
      deps.api['routing.status']?.().catch(() => null) ?? null,
      deps.api['subscriptions.get']?.().catch(() => null) ?? null,
    ]);
    const daily = new Map(byDay.rows.map((r) => [r.day as string, { costUsd: r.costUsd, requests: r.requests }]));
    const forecast = periodForecast(daily, { today, periodFrom: monthStart, periodTo: monthEnd(today), todayElapsed: dayFraction(now, zone) });
    return {
      budgets,
      keys,
      today: todaySpend.totals ?? emptyTotals(),
      month: byKey.totals ?? emptyTotals(),
      monthByKey: byKey.rows,
      monthByModel: byModel.rows,
      forecast: forecast.basis.kind === 'none' ? undefined : { usd: forecast.usd, lowConfidence: forecast.basis.kind === 'since-first-use' },
      monthName: new Intl.DateTimeFormat('en-US', { month: 'long', timeZone: zone }).format(now),
      hardStopEnforcement: status.hardStopEnforcement,
      paused: status.paused,
      ...(status.team ? { teamLinkDown: status.team.link === 'down' } : {}),
      openAtLogin: deps.openAtLogin(),
      setups: setupSnippets(providers, { keys, platform: deps.platform }),
      timeZone: zone,
      codingTools: routing ? { routing: routing.tools, windows } : null,
    };
  }

  function refresh(): Promise<TrayModel> {
    if (running) {
      pending = true;
      return running;
    }
    lastStart = performance.now();
    stats.refreshes++;
    running = readState()
      .then((state) => {
        const model = buildTrayModel(state);
        const json = JSON.stringify(model);
        if (json !== lastJson && !stopped) {
          lastJson = json;
          current = model;
          stats.published++;
          deps.onModel(model);
        }
        return current ?? model;
      })
      .catch((err: unknown) => {
        deps.log.warn('tray refresh failed', { error: (err as Error)?.message ?? String(err) });
        return current as TrayModel;
      })
      .finally(() => {
        running = null;
        if (pending) {
          pending = false;
          request();
        }
      });
    return running;
  }

  function request() {
    stats.requests++;
    if (stopped) return;
    if (running) {
      pending = true;
      return;
    }
    if (timer) return;
    const wait = lastStart + intervalMs - performance.now();
    if (wait <= 0) {
      void refresh();
      return;
    }
    timer = setTimeout(() => {
      timer = null;
      void refresh();
    }, wait);
    timer.unref?.();
  }

  return {
    async start() {
      for (const name of TRAY_EVENTS) offs.push(deps.events.on(name, () => request()));
      tick = setInterval(request, tickMs);
      tick.unref?.();
      return refresh();
    },
    stop() {
      stopped = true;
      for (const off of offs.splice(0)) off();
      if (timer) clearTimeout(timer);
      if (tick) clearInterval(tick);
      timer = tick = null;
    },
    request,
    refreshNow() {
      if (timer) clearTimeout(timer);
      timer = null;
      // A refresh already under way may have read the old settings: run one more after it.
      if (running) return running.then(() => refresh());
      return refresh();
    },
    get current() {
      return current;
    },
    stats,
  };
}
