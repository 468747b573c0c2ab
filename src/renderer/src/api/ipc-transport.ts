import type { TollgateApi } from '../../../main/contract/api';
import { toApiError } from './errors';
import type { ConnectionState, EventListener, Transport } from './transport';

/** What the preload exposes for core events, when it does (see src/preload/index.ts). */
export interface IpcEventBridge {
  on(listener: (name: string, payload: unknown) => void): () => void;
}

/**
 * The app window's transport: the preload's one-method-per-channel API. Without an event bridge the store polls,
 * so the window still updates if the shell forwards no events.
 */
export function createIpcTransport(bridge: TollgateApi, events: IpcEventBridge | undefined): Transport {
  const api = new Proxy({} as TollgateApi, {
    get(_t, name) {
      if (typeof name !== 'string' || !name.includes('.')) return undefined;
      const fn = (bridge as unknown as Record<string, ((input: unknown) => Promise<unknown>) | undefined>)[name];
      if (!fn) return async () => Promise.reject(toApiError(new Error(`This app's window does not offer "${name}"; restart Tollgate after updating.`)));
      return (input: unknown) => fn(input).catch((e: unknown) => Promise.reject(toApiError(e)));
    },
  });
  return {
    kind: 'ipc',
    api,
    subscribe(onEvent: EventListener, onState: (s: ConnectionState) => void) {
      if (!events) {
        onState('polling');
        return () => {};
      }
      onState('live');
      return events.on((name, payload) => (onEvent as (n: string, p: unknown) => void)(name, payload));
    },
  };
}
