/** The audit log, grouped: a burst of identical entries (46 blocks of the same request) reads as one line with a count. */
import type { AuditEntry } from '../../../main/contract/budgets';

export interface AuditGroup {
  /** The newest entry of the run: its id keys the row, its time is "last". */
  entry: AuditEntry;
  count: number;
  /** The oldest entry's time: with `entry.at`, the span the run covers. */
  firstAt: number;
}

/**
 * Collapses consecutive entries with the same kind, budget and message. Only neighbours are merged, so the log's
 * order (newest first) still tells what happened between two runs of the same block.
 */
export function groupAudit(list: readonly AuditEntry[]): AuditGroup[] {
  const groups: AuditGroup[] = [];
  for (const e of list) {
    const last = groups[groups.length - 1];
    if (last && last.entry.kind === e.kind && last.entry.budgetId === e.budgetId && last.entry.message === e.message) {
      last.count++;
      last.firstAt = Math.min(last.firstAt, e.at);
    } else {
      groups.push({ entry: e, count: 1, firstAt: e.at });
    }
  }
  return groups;
}

/** Words for the kinds an audit entry can have, for the filter and the badge. */
export const AUDIT_KIND_LABELS: Record<AuditEntry['kind'], string> = {
  block: 'block',
  degrade: 'downgrade',
  'cut-off': 'cut-off',
  override: 'override',
  'override-expired': 'override expired',
  'budget-created': 'budget created',
  'budget-updated': 'budget changed',
  'budget-deleted': 'budget deleted',
  setting: 'setting',
};
