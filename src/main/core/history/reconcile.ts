import type { RequestRecord } from '../../contract/usage.js';
import type { History } from './history.js';

export interface ReconcileResult {
  replayed: number;
}

/**
 * At start: the stored summary (ledger rollups and budget counters, written together at most once a second)
 * counts the history up to its seq mark; every record after it is counted now, exactly once, so a crash
 * neither loses spend nor counts it twice. Blocked calls cost nothing and never reached a budget.
 */
export function reconcile(d: {
  history: Pick<History, 'since'>;
  ledger: { readonly historySeq: number; replay(r: RequestRecord, seq: number): void };
  budgets: { addExternal(r: RequestRecord): void };
}): ReconcileResult {
  let replayed = 0;
  // Calls imported from coding-tool logs too: the importer recognises the ones after its saved keys by the history
  // (coding-logs/importer.ts recordedSince) when it reads their lines again.
  for (const { seq, r } of d.history.since(d.ledger.historySeq)) {
    d.ledger.replay(r, seq);
    if (!r.flags.includes('blocked')) d.budgets.addExternal(r);
    replayed++;
  }
  return { replayed };
}
