/** Timers come in through this port, so backoff tests move a manual clock instead of sleeping for minutes. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const systemTimers: Timers = {
  set(fn, ms) {
    const t = setTimeout(fn, ms);
    // A pending poll must not keep a stopping process alive.
    t.unref();
    return t;
  },
  clear(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
