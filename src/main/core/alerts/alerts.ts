import type { BudgetAlert } from '../../contract/budgets.js';
import type { ConnectionFailedEvent } from '../../contract/polling.js';
import type { Persistence } from '../store/persistence.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/events.js';
import type { Logger } from '../util/log.js';
import { connectionFailureAlert, foldedSummary, normalizeAlert, toNotification, type AlertNotification } from './format.js';
import type { Notifier } from './notifier.js';
import { createWebhookSender, type WebhookSender, type WebhookSnapshot } from './webhook.js';

interface AlertsSnapshot {
  /** Alert ids already shown, with when: the exactly-once bookkeeping that survives restarts. */
  notified: [string, number][];
  webhook: WebhookSnapshot;
}

export interface Alerts {
  /** What 'budget.alert' listeners call; exposed for tests and for emitters that are not on the bus. */
  handle(raw: unknown): void;
  start(): void;
  stop(): void;
  /** Webhook deliveries settled (tests). */
  idle(withinMs?: number): Promise<void>;
  readonly stats: { received: number; notified: number; duplicates: number; suppressed: number; webhook: WebhookSender['stats'] };
}

const NOTIFIED_LIMIT = 2000;
/** Ids older than this cannot come back: the longest budget period is a month; a year is plenty. */
const NOTIFIED_MAX_AGE_MS = 366 * 86_400_000;

/**
 * Turns 'budget.alert' events (and usage polling's 'usage.connectionFailed') into desktop notifications and webhook posts, each exactly once per alert id.
 * The budget engine promises one event per budget × period × tier; this module keeps the promise across restarts
 * (ids are persisted) and guards against a flood: past `maxPerWindow` notifications a minute, the rest are
 * folded into one summary so a misbehaving emitter can never produce one notification per request.
 * Critical alerts (hard stops, guardrails, 100 % tiers: requests are being refused) are never folded or delayed:
 * each is shown at once, because a folded hard stop is one a person learns of only from failing requests. They
 * are bounded anyway (once per budget × period × tier) and still count towards the window, so the summary of the
 * others comes no sooner.
 */
export function createAlerts(deps: {
  events: Pick<Emitter<{ 'budget.alert': BudgetAlert; 'usage.connectionFailed': ConnectionFailedEvent }>, 'on'>;
  notifier: Notifier | null;
  persistence: Pick<Persistence, 'section' | 'flush'>;
  stored: unknown;
  clock: Clock;
  log: Logger;
  webhookUrl: () => string | null;
  fetch: typeof fetch;
  retryDelaysMs?: number[];
  webhookTimeoutMs?: number;
  /** The flood guard: at most `maxPerWindow` notifications per `floodWindowMs` (default 6 a minute). */
  maxPerWindow?: number;
  floodWindowMs?: number;
}): Alerts {
  const initial = (deps.stored ?? {}) as Partial<AlertsSnapshot>;
  const now = deps.clock.now();
  const notified = new Map<string, number>(
    (Array.isArray(initial.notified) ? initial.notified : []).filter(
      (e): e is [string, number] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number' && now - e[1] < NOTIFIED_MAX_AGE_MS,
    ),
  );
  const markDirty = deps.persistence.section('alerts', (): AlertsSnapshot => ({ notified: [...notified], webhook: webhook.snapshot() }));
  const webhook = createWebhookSender({
    url: deps.webhookUrl,
    fetch: deps.fetch,
    clock: deps.clock,
    log: deps.log,
    initial: initial.webhook,
    onChange: () => markDirty(),
    retryDelaysMs: deps.retryDelaysMs,
    timeoutMs: deps.webhookTimeoutMs,
  });
  const maxPerWindow = deps.maxPerWindow ?? 6;
  const floodWindowMs = deps.floodWindowMs ?? 60_000;
  const stats = { received: 0, notified: 0, duplicates: 0, suppressed: 0, webhook: webhook.stats };
  let windowStart = 0;
  let shownInWindow = 0;
  let folded: AlertNotification[] = [];
  let foldTimer: NodeJS.Timeout | null = null;

  const show = (n: AlertNotification) => {
    if (!deps.notifier) return;
    stats.notified++;
    try {
      Promise.resolve(deps.notifier.show(n)).catch((err: unknown) =>
        deps.log.warn('could not show a notification', { notifier: deps.notifier?.name, alert: n.id, error: (err as Error)?.message ?? String(err) }),
      );
    } catch (err) {
      deps.log.warn('could not show a notification', { notifier: deps.notifier.name, alert: n.id, error: (err as Error).message });
    }
  };

  const flushFolded = () => {
    foldTimer = null;
    if (folded.length === 0) return;
    const list = folded;
    folded = [];
    windowStart = deps.clock.now();
    shownInWindow = 1;
    show(foldedSummary(list));
  };

  const notify = (n: AlertNotification) => {
    const t = deps.clock.now();
    if (t - windowStart >= floodWindowMs) {
      windowStart = t;
      shownInWindow = 0;
    }
    if (n.critical) {
      shownInWindow++;
      show(n);
      return;
    }
    if (shownInWindow < maxPerWindow) {
      shownInWindow++;
      show(n);
      return;
    }
    stats.suppressed++;
    folded.push(n);
    if (!foldTimer) {
      foldTimer = setTimeout(flushFolded, Math.max(0, windowStart + floodWindowMs - t));
      foldTimer.unref();
    }
  };

  function handle(raw: unknown) {
    const alert = normalizeAlert(raw, deps.clock.now());
    if (!alert) {
      deps.log.warn('ignored a budget.alert event that is not an alert');
      return;
    }
    stats.received++;
    webhook.enqueue(alert);
    if (notified.has(alert.id)) {
      stats.duplicates++;
      return;
    }
    // Recorded before showing: a notifier that fails is logged, not retried, so a broken desktop cannot cause
    // the same alert to be shown again and again.
    notified.set(alert.id, deps.clock.now());
    while (notified.size > NOTIFIED_LIMIT) notified.delete(notified.keys().next().value as string);
    markDirty();
    // Alerts are rare: save now (off the request's path) rather than within the next second, so a crash right
    // after a notification cannot bring it back on restart. The engine's own record of fired tiers goes too.
    setImmediate(() => deps.persistence.flush());
    deps.log.info('budget alert', { id: alert.id, kind: alert.kind, title: alert.title });
    notify(toNotification(alert));
  }

  deps.events.on('budget.alert', handle);
  deps.events.on('usage.connectionFailed', (e) => {
    if (e && typeof e === 'object' && e.connection) handle(connectionFailureAlert(e, deps.clock.now()));
  });

  return {
    handle,
    start: () => webhook.start(),
    stop() {
      webhook.stop();
      if (foldTimer) clearTimeout(foldTimer);
      foldTimer = null;
      folded = [];
    },
    idle: (withinMs) => webhook.idle(withinMs),
    stats,
  };
}
