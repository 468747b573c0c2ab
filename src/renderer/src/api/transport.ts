import type { ApiEvents, TollgateApi } from '../../../main/contract/api';

/** How live updates reach the page: a push channel, or polling where there is none. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'polling' | 'signed-out';

/** The events the dashboard reacts to. Others (added by later features) are ignored until a view needs them. */
export const WATCHED_EVENTS = [
  'request.recorded',
  'status.changed',
  'budget.alert',
  'budgets.changed',
  'usage.updated',
  'usage.connectionFailed',
  'usage.connectionsChanged',
] as const satisfies readonly (keyof ApiEvents)[];
export type WatchedEvent = (typeof WATCHED_EVENTS)[number];

export type EventListener = <E extends WatchedEvent>(name: E, payload: ApiEvents[E]) => void;

/**
 * One client interface, two implementations (IPC in the app window, HTTP + server-sent events in a browser).
 * The store and the views only ever see this.
 */
export interface Transport {
  readonly kind: 'ipc' | 'http';
  readonly api: TollgateApi;
  /** Starts live updates; returns a function that stops them. */
  subscribe(onEvent: EventListener, onState: (s: ConnectionState) => void): () => void;
}
