import type { Timers } from '../../src/main/core/polling/timers.js';

interface Task {
  id: number;
  due: number;
  fn: () => void;
}

export interface ManualTimers extends Timers {
  /** Due times of the pending timers, earliest first. */
  pending(): number[];
  /**
   * Moves the clock forward by `ms`, firing every timer that falls due on the way at its own time, and after
   * each one waits for `settle` (e.g. the poller going idle) so the next timer sees its effects.
   */
  advance(ms: number, settle?: () => Promise<void>): Promise<void>;
}

/** Timers driven by a manual clock: backoff of minutes or hours is tested without waiting for it. */
export function createManualTimers(clock: { now(): number; set(ms: number): void }): ManualTimers {
  let seq = 0;
  const tasks = new Map<number, Task>();
  return {
    set(fn, ms) {
      const id = ++seq;
      tasks.set(id, { id, due: clock.now() + Math.max(0, ms), fn });
      return id;
    },
    clear(handle) {
      tasks.delete(handle as number);
    },
    pending: () => [...tasks.values()].map((t) => t.due).sort((a, b) => a - b),
    async advance(ms, settle) {
      const target = clock.now() + ms;
      for (;;) {
        const next = [...tasks.values()].filter((t) => t.due <= target).sort((a, b) => a.due - b.due || a.id - b.id)[0];
        if (!next) break;
        tasks.delete(next.id);
        if (next.due > clock.now()) clock.set(next.due);
        next.fn();
        if (settle) await settle();
      }
      clock.set(target);
    },
  };
}
