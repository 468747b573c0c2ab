import type { ApiEvents, EventName, TollgateApi } from '../../../main/contract/api';
import { toApiError } from './errors';
import { WATCHED_EVENTS, type ConnectionState, type EventListener, type Transport } from './transport';

/** What the preload exposes beside the channels (src/preload/index.d.ts: TollgateBridge). */
export interface IpcBridge {
  onEvent?<E extends EventName>(name: E, cb: (payload: ApiEvents[E]) => void): () => void;
}

/**
 * The app window's transport: the preload's one-method-per-channel API and its event source. Without an event
 * source (an older preload) the store polls, so the window still updates.
 */
export function createIpcTransport(bridge: TollgateApi & IpcBridge): Transport {
  const channels = bridge as unknown as Record<string, ((input: unknown) => Promise<unknown>) | undefined>;
  const api = new Proxy({} as TollgateApi, {
    get(_t, name) {
      if (typeof name !== 'string' || !name.includes('.')) return undefined;
      const fn = channels[name];
      if (typeof fn !== 'function') return async () => Promise.reject(toApiError(new Error(`This app's window does not offer "${name}"; restart Tollgate after updating.`)));
      return (input: unknown) => fn(input).catch((e: unknown) => Promise.reject(toApiError(e)));
    },
  });
  return {
    kind: 'ipc',
    api,
    subscribe(onEvent: EventListener, onState: (s: ConnectionState) => void) {
      if (typeof bridge.onEvent !== 'function') {
        onState('polling');
        return () => {};
      }
      const offs = WATCHED_EVENTS.map((name) => bridge.onEvent!(name, (payload) => (onEvent as (n: string, p: unknown) => void)(name, payload)));
      onState('live');
      return () => {
        for (const off of offs) off();
      };
    },
  };
}
