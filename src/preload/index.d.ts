import type { TollgateApi } from '../main/contract/api';

declare global {
  interface Window {
    /** Present in the Electron window; absent in a browser, where the dashboard uses the admin HTTP API. */
    tollgate?: TollgateApi;
    /** Core events from the main process (the app window only). */
    tollgateEvents?: { on(listener: (name: string, payload: unknown) => void): () => void };
  }
}

export {};
