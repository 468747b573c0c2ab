import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/main/contract/budgets';
import { groupAudit } from '../../../src/renderer/src/lib/audit-groups';

const entry = (id: string, at: number, o: Partial<AuditEntry> = {}): AuditEntry => ({
  id,
  at,
  kind: 'block',
  budgetId: 'team',
  requestId: null,
  message: 'Blocked gpt-4o on Claude Code: Team at 121%',
  ...o,
});

describe('audit grouping', () => {
  it('collapses identical neighbours into one group with a count and the span they cover', () => {
    const list = [
      ...Array.from({ length: 46 }, (_, i) => entry(`b${i}`, 1000 - i)),
      entry('o1', 900, { kind: 'override', message: 'Override on Team: +$10 for 2 h' }),
      entry('b46', 800),
      entry('b47', 799),
    ];
    const groups = groupAudit(list);
    expect(groups.map((g) => [g.entry.id, g.count, g.firstAt, g.entry.at])).toEqual([
      ['b0', 46, 955, 1000],
      ['o1', 1, 900, 900],
      // Not merged with the first run: the override came between them.
      ['b46', 2, 799, 800],
    ]);
  });

  it('keeps entries apart when the message or the budget differs', () => {
    const groups = groupAudit([entry('a', 3), entry('b', 2, { budgetId: 'other' }), entry('c', 1, { message: 'Blocked o3 on CI: Team at 130%' })]);
    expect(groups.map((g) => g.count)).toEqual([1, 1, 1]);
  });
});
