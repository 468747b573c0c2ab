import fs from 'node:fs';
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
  /** Writes what is pending to the file now (shutdown), and stops the periodic save. */
  close(): void;
}

/** How often pending spend is written to the data folder while it changes. */
const SAVE_MS = 1_000;

export function createReplay(d: {
  counters: SharedCounters;
  state: () => LinkState;
  onSpent: (s: SharedSpent[]) => void;
  onError: (e: Error) => void;
  /**
   * Where pending spend is kept across a restart (a file in the data folder): a Tollgate restarted while Redis is
   * down still replays what it spent. Written at most once a second, and at shutdown.
   */
  file?: string;
}): Replay {
  const pending = new Map<string, CounterPart[]>(load(d.file));
  let saved = pending.size === 0;
  const save = () => {
    if (!d.file || saved) return;
    saved = true;
    try {
      const tmp = `${d.file}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify([...pending]), { mode: 0o600 });
      fs.renameSync(tmp, d.file);
    } catch (e) {
      d.onError(e as Error);
    }
  };
  const timer = d.file ? setInterval(save, SAVE_MS) : null;
  timer?.unref();
  const inFlight = new Set<Promise<unknown>>();
  const sending = new Set<string>();
  let flushing: Promise<void> | null = null;

  function send(id: string, parts: CounterPart[]): Promise<boolean> {
    sending.add(id);
    const p = d.counters.settle(id, parts).then(
      (spent) => {
        if (pending.delete(id)) saved = false;
        d.onSpent(spent);
        return true;
      },
      (e: Error) => {
        d.onError(e);
        return false;
      },
    );
    inFlight.add(p);
    void p.finally(() => {
      inFlight.delete(p);
      sending.delete(id);
    });
    return p;
  }

  async function flush() {
    if (flushing) return flushing;
    flushing = (async () => {
      // Oldest first, a few at a time, until nothing is left (settles arriving meanwhile included) or a send fails.
      while (d.state() === 'up') {
        const ids = [...pending.keys()].filter((id) => !sending.has(id)).slice(0, 32);
        if (ids.length === 0) break;
        const sent = await Promise.all(ids.map((id) => send(id, pending.get(id)!)));
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
      saved = false;
      if (d.state() === 'up' && !flushing) void send(id, parts);
    },
    get pending() {
      return pending.size;
    },
    flush,
    async idle() {
      while (inFlight.size || flushing) await Promise.all([...inFlight, flushing]);
    },
    close() {
      if (timer) clearInterval(timer);
      save();
    },
  };
}

function load(file: string | undefined): [string, CounterPart[]][] {
  if (!file) return [];
  try {
    const list = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    // A file that is not what this module wrote is ignored rather than replayed as spend.
    if (!Array.isArray(list)) return [];
    return list.filter((e): e is [string, CounterPart[]] => Array.isArray(e) && typeof e[0] === 'string' && Array.isArray(e[1]));
  } catch {
    return [];
  }
}
