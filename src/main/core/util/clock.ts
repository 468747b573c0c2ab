/** Time comes in through this port so tests can move it; nothing in the core calls Date.now() directly. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests can set and advance. */
export function createManualClock(start = Date.UTC(2026, 0, 15, 12)): Clock & {
  set(ms: number): void;
  advance(ms: number): void;
} {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
