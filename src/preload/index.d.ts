import type { ApiEvents, EventName, TollgateApi } from '../main/contract/api';

/** Core events pushed to the window (the same ones GET /api/events streams in a browser). */
export interface TollgateEventSource {
  /** Calls `cb` with each `name` event until the returned function is called. */
  onEvent<E extends EventName>(name: E, cb: (payload: ApiEvents[E]) => void): () => void;
}

export type TollgateBridge = TollgateApi & TollgateEventSource;

declare global {
  interface Window {
    /**
     * Present in the Electron window; absent in a browser, where the dashboard uses the admin HTTP API. The
     * dashboard opens on a budget when main sets location.hash to "#/budgets/<id>".
     */
    tollgate?: TollgateBridge;
  }
}

export {};
