/** Pure updates of the live lists: recent requests and alerts, newest first, bounded, without duplicates. */
import type { BudgetAlert } from '../../../main/contract/budgets';
import type { RecentQuery } from '../../../main/contract/api';
import type { RequestRecord } from '../../../main/contract/usage';

export const RECENT_LIMIT = 500;
/** As many as the core keeps (alerts.recent): the alert history in Activity shows them all. */
export const ALERT_LIMIT = 200;

/** Merges incoming records (any order) into a newest-first list. */
export function mergeRecent(list: readonly RequestRecord[], incoming: readonly RequestRecord[], limit = RECENT_LIMIT): RequestRecord[] {
  if (incoming.length === 0) return list as RequestRecord[];
  const seen = new Set(list.map((r) => r.id));
  const fresh = incoming.filter((r) => !seen.has(r.id) && (seen.add(r.id), true));
  if (fresh.length === 0) return list as RequestRecord[];
  const merged = fresh.concat(list);
  merged.sort((a, b) => b.ts - a.ts);
  return merged.length > limit ? merged.slice(0, limit) : merged;
}

export function matchesFilter(r: RequestRecord, f: RecentQuery): boolean {
  return (
    (!f.provider || r.provider === f.provider) &&
    (!f.keyId || r.keyId === f.keyId) &&
    (!f.model || r.model === f.model) &&
    (!f.project || r.project === f.project) &&
    (!f.flag || r.flags.includes(f.flag as never))
  );
}

export function addAlert(list: readonly BudgetAlert[], alert: BudgetAlert, limit = ALERT_LIMIT): BudgetAlert[] {
  const rest = list.filter((a) => a.id !== alert.id);
  return [alert, ...rest].sort((a, b) => b.at - a.at).slice(0, limit);
}
