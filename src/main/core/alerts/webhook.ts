import type { BudgetAlert } from '../../contract/budgets.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { toWebhookPayload } from './format.js';

export interface PendingWebhook {
  alert: BudgetAlert;
  attempts: number;
  nextAt: number;
}

export interface WebhookSnapshot {
  pending: PendingWebhook[];
  /** Alert ids delivered (or given up on), with when: what keeps a re-emitted alert from being posted twice. */
  done: [string, number][];
}

export interface WebhookSender {
  /** Queues an alert unless it was already delivered or is queued. Returns whether it was queued. */
  enqueue(alert: BudgetAlert): boolean;
  start(): void;
  stop(): void;
  snapshot(): WebhookSnapshot;
  /** Resolves when nothing is in flight and nothing is due before `withinMs` from now (tests, shutdown). */
  idle(withinMs?: number): Promise<void>;
  readonly stats: { posted: number; failedAttempts: number; gaveUp: number };
}

/** 2 s, 10 s, 1 min, 5 min, 30 min: a receiver that is down for a deploy gets the alert; a dead one stops costing. */
export const DEFAULT_RETRY_DELAYS_MS = [2_000, 10_000, 60_000, 300_000, 1_800_000];
const DONE_LIMIT = 2000;
const MAX_RETRY_AFTER_MS = 3_600_000;

/** Statuses worth another try: timeouts, rate limits and server errors. Any other 4xx will not get better. */
const retryable = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500;

function retryAfterMs(h: string | null, now: number): number | null {
  if (!h) return null;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(h);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** Where a URL points, without the path and query that hold a webhook's secret. */
export function redactUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Posts alerts to the configured webhook, one at a time, with retries and backoff. The queue and the delivered
 * ids are persisted, so an alert survives a restart and is never posted twice for the same id. The one gap: a
 * process killed after the receiver answered but before the next save re-posts on restart; each post carries
 * the alert id (and an Idempotency-Key header) so receivers that care can drop the repeat.
 */
export function createWebhookSender(deps: {
  url: () => string | null;
  fetch: typeof fetch;
  clock: Clock;
  log: Logger;
  initial?: Partial<WebhookSnapshot>;
  onChange: () => void;
  retryDelaysMs?: number[];
  timeoutMs?: number;
}): WebhookSender {
  const delays = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const pending: PendingWebhook[] = Array.isArray(deps.initial?.pending) ? [...deps.initial.pending] : [];
  const done = new Map<string, number>(Array.isArray(deps.initial?.done) ? deps.initial.done : []);
  const stats = { posted: 0, failedAttempts: 0, gaveUp: 0 };
  let running = false;
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const idleWaiters: (() => void)[] = [];

  const finish = (id: string) => {
    done.set(id, deps.clock.now());
    while (done.size > DONE_LIMIT) done.delete(done.keys().next().value as string);
  };

  const notifyIdle = () => {
    if (inFlight) return;
    for (const w of idleWaiters.splice(0)) w();
  };

  function schedule() {
    if (!running || inFlight) return;
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return notifyIdle();
    const next = pending.reduce((a, b) => (b.nextAt < a.nextAt ? b : a));
    const wait = Math.max(0, next.nextAt - deps.clock.now());
    if (wait > 0) notifyIdle();
    timer = setTimeout(() => {
      timer = null;
      inFlight = attempt(next).finally(() => {
        inFlight = null;
        schedule();
      });
    }, wait);
    // A retry hours away must not keep a stopping process alive; the queue is saved and resumes on start.
    timer.unref();
  }

  async function attempt(item: PendingWebhook): Promise<void> {
    const url = deps.url();
    const drop = () => {
      const i = pending.indexOf(item);
      if (i >= 0) pending.splice(i, 1);
    };
    if (!url) {
      // The webhook was turned off while this waited: nothing to deliver to.
      drop();
      deps.onChange();
      return;
    }
    item.attempts++;
    let retryAfter: number | null = null;
    let failure: string;
    let permanent = false;
    try {
      const res = await deps.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Tollgate', 'idempotency-key': item.alert.id },
        body: JSON.stringify(toWebhookPayload(item.alert)),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        drop();
        finish(item.alert.id);
        stats.posted++;
        deps.onChange();
        return;
      }
      failure = `HTTP ${res.status}`;
      permanent = !retryable(res.status);
      retryAfter = retryAfterMs(res.headers.get('retry-after'), deps.clock.now());
    } catch (err) {
      failure = (err as Error).name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : (err as Error).message;
    }
    stats.failedAttempts++;
    const delay = delays[item.attempts - 1];
    if (permanent || delay === undefined) {
      drop();
      finish(item.alert.id);
      stats.gaveUp++;
      deps.log.warn('alert webhook gave up', { to: redactUrl(url), alert: item.alert.id, attempts: item.attempts, error: failure });
    } else {
      item.nextAt = deps.clock.now() + Math.min(MAX_RETRY_AFTER_MS, Math.max(delay, retryAfter ?? 0));
      deps.log.info('alert webhook will retry', { to: redactUrl(url), alert: item.alert.id, attempts: item.attempts, error: failure });
    }
    deps.onChange();
  }

  return {
    enqueue(alert) {
      if (done.has(alert.id) || pending.some((p) => p.alert.id === alert.id)) return false;
      if (!deps.url()) return false;
      pending.push({ alert, attempts: 0, nextAt: deps.clock.now() });
      deps.onChange();
      schedule();
      return true;
    },
    start() {
      running = true;
      schedule();
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    snapshot: () => ({ pending: pending.map((p) => ({ ...p })), done: [...done] }),
    idle(withinMs = 0) {
      const settled = () => !inFlight && !pending.some((p) => p.nextAt <= deps.clock.now() + withinMs);
      if (settled()) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const check = () => (settled() ? resolve() : idleWaiters.push(check));
        idleWaiters.push(check);
      });
    },
    stats,
  };
}
