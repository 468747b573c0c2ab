import type { AuditEntry, AuditKind } from '../../contract/budgets.js';
import type { Clock } from '../util/clock.js';
import { randomToken } from '../util/ids.js';
import type { BudgetState } from './state.js';

const AUDIT_LIMIT = 1000;

export interface Audit {
  record(kind: AuditKind, message: string, budgetId?: string | null, requestId?: string | null): void;
  /** Newest first, optionally of one kind. */
  list(limit?: number, kind?: string): AuditEntry[];
}

export const nextId = (prefix: string): string => `${prefix}_${randomToken(12)}`;

export function createAudit(state: BudgetState, deps: { clock: Clock; onChange: () => void }): Audit {
  return {
    record(kind, message, budgetId = null, requestId = null) {
      state.audit.push({ id: nextId('aud'), at: deps.clock.now(), kind, budgetId, requestId, message });
      if (state.audit.length > AUDIT_LIMIT) state.audit.splice(0, state.audit.length - AUDIT_LIMIT);
      deps.onChange();
    },
    list(limit = 200, kind) {
      const list = kind ? state.audit.filter((a) => a.kind === kind) : state.audit;
      return list.slice(-limit).reverse();
    },
  };
}
