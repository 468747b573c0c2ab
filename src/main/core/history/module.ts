import path from 'node:path';
import type { RequestRecord } from '../../contract/usage.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { createHistory, type History } from './history.js';
import { reconcile } from './reconcile.js';

/** Days of rollups the small store keeps (this week and a day); older ones live in the history database. */
export const STORE_ROLLUP_DAYS = 8;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export const HISTORY_FILE = 'history.sqlite';

export interface HistoryModule {
  history: History;
  /** Replays what the stored summary missed, moves old rollups out; call once the ledger and budgets exist. */
  attach(ledger: Ledger, budgets: { addExternal(r: RequestRecord): void }): void;
  start(): void;
  stop(): void;
}

export function createHistoryModule(d: {
  dataDir: string;
  clock: Clock;
  log: Logger;
  retentionDays: () => number;
  dayKey: (ms: number) => string;
  /** The stored ledger section, for the seq its counts reach. */
  storedLedger: unknown;
  onProblems: () => void;
  /** Commits on a worker thread (history.ts's commitWorker). */
  commitWorker?: boolean;
}): HistoryModule {
  const stored = d.storedLedger as { historySeq?: unknown } | undefined;
  const history = createHistory({
    file: path.join(d.dataDir, HISTORY_FILE),
    clock: d.clock,
    log: d.log,
    retentionDays: d.retentionDays,
    minSeq: typeof stored?.historySeq === 'number' ? stored.historySeq : 0,
    onProblems: d.onProblems,
    commitWorker: d.commitWorker,
  });
  let ledger: Ledger | null = null;
  let timer: NodeJS.Timeout | null = null;
  const archive = () => {
    try {
      ledger?.archiveBefore(d.dayKey(d.clock.now() - STORE_ROLLUP_DAYS * DAY));
    } catch (err) {
      d.log.warn('could not move old rollups to the history database; they stay in the store for now', { error: (err as Error).message });
    }
  };
  return {
    history,
    attach(l, budgets) {
      ledger = l;
      const r = reconcile({ history, ledger: l, budgets });
      if (r.replayed) d.log.info('counted requests the stored summary had missed (the last run ended abruptly)', { requests: r.replayed });
      archive();
    },
    start() {
      history.start();
      timer = setInterval(archive, HOUR);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      history.stop();
    },
  };
}
