import type { ApiResult, Channel, TollgateApi } from '../../../main/contract/api';
import { ApiError } from './errors';
import { WATCHED_EVENTS, type ConnectionState, type EventListener, type Transport } from './transport';

export interface HttpTransportOptions {
  /** Origin of the admin API; the page's own by default (the dashboard is served from the proxy's port). */
  base?: string;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
  /** Wait before reopening an event stream the browser gave up on. */
  retryMs?: number;
}

/**
 * The admin HTTP API as a TollgateApi: POST /api/<channel> with the session cookie (HttpOnly, so this code never
 * sees a credential), answers unwrapped from { ok, data | error }. Channels are not listed here: any name the
 * contract types allow becomes a call, so new channels need no change in this file.
 */
export function createHttpTransport(opts: HttpTransportOptions = {}): Transport {
  const base = opts.base ?? '';
  const doFetch = opts.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const ES = opts.EventSource ?? globalThis.EventSource;
  let signedOut: (() => void) | null = null;

  async function call(channel: string, input: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await doFetch(`${base}/api/${channel}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      throw new ApiError({ code: 'offline', message: `Can't reach Tollgate${base ? ` at ${base}` : ''}. Is it still running?` });
    }
    let body: ApiResult<unknown> | null = null;
    try {
      body = (await res.json()) as ApiResult<unknown>;
    } catch {}
    if (res.status === 401) signedOut?.();
    if (body && body.ok) return body.data;
    if (body && !body.ok) throw new ApiError(body.error);
    throw new ApiError({ code: 'http', message: `Tollgate answered ${res.status} ${res.statusText || ''} without an explanation.`.trim() });
  }

  const cache = new Map<string, (input: unknown) => Promise<unknown>>();
  const api = new Proxy({} as TollgateApi, {
    get(_t, name) {
      // Only channel names ("keys.list"): keeps `then`, symbols and React's probes from turning into calls.
      if (typeof name !== 'string' || !name.includes('.')) return undefined;
      let fn = cache.get(name);
      if (!fn) cache.set(name, (fn = (input: unknown) => call(name as Channel, input)));
      return fn;
    },
  });

  return {
    kind: 'http',
    api,
    subscribe(onEvent: EventListener, onState: (s: ConnectionState) => void) {
      let es: EventSource | null = null;
      let timer: ReturnType<typeof setTimeout> | null = null;
      let stopped = false;
      signedOut = () => onState('signed-out');
      const open = () => {
        if (stopped) return;
        es = new ES(`${base}/api/events`);
        es.onopen = () => onState('live');
        es.onerror = () => {
          if (stopped || !es) return;
          // CLOSED: the server refused the stream (e.g. the session ended); CONNECTING: the browser retries itself.
          if (es.readyState === ES.CLOSED) {
            es = null;
            onState('reconnecting');
            // Ask once in words why: a 401 marks the page signed out through call().
            call('status.get', {}).catch(() => {});
            timer = setTimeout(open, opts.retryMs ?? 3000);
          } else onState('reconnecting');
        };
        for (const name of WATCHED_EVENTS) {
          es.addEventListener(name, (ev) => {
            let payload: unknown;
            try {
              payload = JSON.parse((ev as MessageEvent<string>).data);
            } catch {
              return;
            }
            (onEvent as (n: string, p: unknown) => void)(name, payload);
          });
        }
      };
      onState('connecting');
      open();
      return () => {
        stopped = true;
        signedOut = null;
        if (timer) clearTimeout(timer);
        es?.close();
      };
    },
  };
}
