import { describe, expect, it } from 'vitest';
import type { AllocationTarget } from '../../../../src/main/contract/hierarchy.js';
import type { RollupRow } from '../../../../src/main/contract/usage.js';
import { spendByTarget } from '../../../../src/main/core/allocation/last-period.js';
import { propose, splitCents, type ProposeContext } from '../../../../src/main/core/allocation/strategies.js';
import { emptyRollup } from '../../../../src/main/core/ledger/rollups.js';

const ctx = (last: Record<string, number> = {}): ProposeContext => ({
  organization: 'Acme',
  teamName: (id) => ({ web: 'Web', data: 'Data', ml: 'ML' })[id] ?? id,
  lastUsd: (t) => last[`${t.level}:${t.id}`] ?? 0,
});

describe('allocation helpers', () => {
  it('splits cents by weight so the parts add up to the total exactly', () => {
    expect(splitCents(100_000, [3, 2, 1])).toEqual([50_000, 33_333, 16_667]);
    expect(splitCents(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(splitCents(1, [1, 1])).toEqual([1, 0]);
    const parts = splitCents(123_457, [7, 11, 13, 17]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(123_457);
  });

  it('top-down: an organization total split across teams by weight, with the budgets to create', () => {
    const p = propose(
      {
        strategy: 'top-down',
        parent: { level: 'org' },
        totalUsd: 1000,
        targets: [
          { level: 'team', id: 'web', weight: 3 },
          { level: 'team', id: 'data', weight: 2 },
          { level: 'team', id: 'ml', weight: 1 },
        ],
      },
      ctx(),
    );
    expect(p.parent).toEqual({ level: 'org', limitUsd: 1000 });
    expect(p.items.map((i) => [i.id, i.limitUsd])).toEqual([
      ['web', 500],
      ['data', 333.33],
      ['ml', 166.67],
    ]);
    expect(p.items[1]!.basis).toBe('2 of 6 shares of $1,000.00');
    expect(p.unallocatedUsd).toBe(0);
    expect(p.budgets).toEqual([
      { name: 'Acme', scope: {}, period: { kind: 'month' }, limitUsd: 1000, limitTokens: null },
      { name: 'Team Web', scope: { team: 'web' }, period: { kind: 'month' }, limitUsd: 500, limitTokens: null },
      { name: 'Team Data', scope: { team: 'data' }, period: { kind: 'month' }, limitUsd: 333.33, limitTokens: null },
      { name: 'Team ML', scope: { team: 'ml' }, period: { kind: 'month' }, limitUsd: 166.67, limitTokens: null },
    ]);
  });

  it('bottom-up: projects’ estimates summed into their team’s total, flagged for review', () => {
    const p = propose(
      {
        strategy: 'bottom-up',
        parent: { level: 'team', id: 'web' },
        period: { kind: 'week', weekStartsOn: 1 },
        targets: [
          { level: 'project', id: 'checkout', estimateUsd: 120.5 },
          { level: 'project', id: 'search', estimateUsd: 79.495 },
          { level: 'user', id: 'ana', estimateUsd: 0 },
        ],
      },
      ctx(),
    );
    expect(p.parent).toEqual({ level: 'team', id: 'web', limitUsd: 200 });
    expect(p.items.map((i) => i.limitUsd)).toEqual([120.5, 79.5, 0]);
    expect(p.warnings[0]).toContain('$200.00');
    // A $0 estimate proposes no budget (a budget needs a limit above zero).
    expect(p.budgets.map((b) => [b.name, b.scope, b.limitUsd])).toEqual([
      ['Team Web', { team: 'web' }, 200],
      ['Project checkout', { project: 'checkout' }, 120.5],
      ['Project search', { project: 'search' }, 79.5],
    ]);
    expect(p.budgets.every((b) => b.period.kind === 'week')).toBe(true);
  });

  it('proportional: last period’s spend plus growth, and the discretionary pool shared by the projects with no history', () => {
    const p = propose(
      {
        strategy: 'proportional',
        parent: { level: 'org' },
        growthPercent: 10,
        discretionaryUsd: 100,
        targets: [
          { level: 'team', id: 'web' },
          { level: 'team', id: 'data' },
          { level: 'project', id: 'new-bot' },
          { level: 'project', id: 'new-rag' },
          { level: 'project', id: 'new-eval' },
          { level: 'team', id: 'ml', lastUsd: 50 },
        ],
      },
      ctx({ 'team:web': 400, 'team:data': 123.45, 'team:ml': 999 }),
    );
    expect(p.items.map((i) => [i.id, i.limitUsd])).toEqual([
      ['web', 440],
      ['data', 135.8], // 123.45 × 1.1 = 135.795 → $135.80
      ['new-bot', 33.34],
      ['new-rag', 33.33],
      ['new-eval', 33.33],
      ['ml', 55], // the request's lastUsd wins over the ledger's figure
    ]);
    expect(p.items[2]!.basis).toContain('1 of 3 equal parts of the $100.00 discretionary pool');
    expect(p.items[0]!.basis).toBe('last period $400.00 + 10%');
    expect(p.parent.limitUsd).toBe(730.8);
    expect(p.unallocatedUsd).toBe(0);
  });

  it('proportional with no new project keeps the pool at the parent, unallocated', () => {
    const p = propose(
      { strategy: 'proportional', parent: { level: 'team', id: 'web' }, growthPercent: -20, discretionaryUsd: 25, targets: [{ level: 'project', id: 'checkout' }] },
      ctx({ 'project:checkout': 200 }),
    );
    expect(p.items).toEqual([expect.objectContaining({ id: 'checkout', limitUsd: 160, basis: 'last period $200.00 − 20%' })]);
    expect(p.unallocatedUsd).toBe(25);
    expect(p.parent.limitUsd).toBe(185);
  });

  it('finds each target’s spend last period in rollup rows, a team’s through its members', () => {
    const row = (keyId: string, project: string | null, user: string | null, costUsd: number): RollupRow => ({ ...emptyRollup('2026-10-03', 'openai', keyId, 'gpt-4o', project, user, null), costUsd });
    const rows = [row('k1', 'checkout', 'ana', 10), row('k2', 'checkout', null, 5), row('k3', 'etl', 'bo', 7), row('k3', null, null, 1)];
    const teamOf = (f: { keyId: string; user: string | null; project: string | null }) => (f.keyId === 'k3' ? 'data' : f.project === 'checkout' ? 'web' : null);
    const last = spendByTarget(rows, teamOf);
    const of = (level: AllocationTarget['level'], id: string) => last({ level, id });
    expect([of('team', 'web'), of('team', 'data'), of('project', 'checkout'), of('user', 'ana'), of('key', 'k3'), of('project', 'none')]).toEqual([15, 8, 15, 10, 8, 0]);
  });
});
