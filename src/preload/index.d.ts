import type { TollgateApi } from '../main/contract/api';

declare global {
  interface Window {
    /** Present in the Electron window; absent in a browser, where the dashboard uses the admin HTTP API. */
    tollgate?: TollgateApi;
  }
}

export {};
