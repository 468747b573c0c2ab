import type { LinkState } from './connect.js';
import type { CounterPart, SharedCounters, SharedSpent } from './shared-counters.js';

/**
 * Settled spend on its way to the team store. Every settle goes through here: sent at once while the link is
 * up, kept while it is down (or the send failed), and sent again when it comes back. The store counts a request
 * id once per counter (scripts.ts SETTLE), so a settle whose answer was lost and is sent again is not counted
 * twice: that is what makes the replay exactly-once.
 */
export interface Replay {
  settle(requestId: string, parts: CounterPart[]): void;
  readonly pending: number;
  /** Sends everything pending; resolves when the queue is empty or the link fails again. */
  flush(): Promise<void>;
  /** Resolves when nothing is in flight (tests, shutdown). */
  idle(): Promise<void>;
}

export function createReplay(d: { counters: SharedCounters; state: () => LinkState; onSpent: (s: SharedSpent[]) => void; onError: (e: Error) => void }): Replay {
  const pending = new Map<string, CounterPart[]>();
  const inFlight = new Set<Promise<unknown>>();
  let flushing: Promise<void> | null = null;

  function send(id: string, parts: CounterPart[]): Promise<boolean> {
    const p = d.counters.settle(id, parts).then(
      (spent) => {
        pending.delete(id);
        d.onSpent(spent);
        return true;
      },
      (e: Error) => {
        d.onError(e);
        return false;
      },
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    return p;
  }

  async function flush() {
    if (flushing) return flushing;
    flushing = (async () => {
      // In order, a few at a time: the oldest spend reaches the store first.
      const ids = [...pending.keys()];
      for (let i = 0; i < ids.length; i += 32) {
        if (d.state() !== 'up') break;
        const sent = await Promise.all(ids.slice(i, i + 32).map((id) => (pending.has(id) ? send(id, pending.get(id)!) : true)));
        if (sent.includes(false)) break;
      }
    })().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  return {
    settle(id, parts) {
      pending.set(id, parts);
      if (d.state() === 'up' && !flushing) void send(id, parts);
    },
    get pending() {
      return pending.size;
    },
    flush,
    async idle() {
      while (inFlight.size || flushing) await Promise.all([...inFlight, flushing]);
    },
  };
}
