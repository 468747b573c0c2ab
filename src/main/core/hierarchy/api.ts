import type { ApiPart, HierarchyApiSpec } from '../../contract/api.js';
import type { BudgetPeriod, BudgetStatus } from '../../contract/budgets.js';
import type { AllocationRequest } from '../../contract/hierarchy.js';
import type { KeyDto } from '../../contract/keys.js';
import type { Settings } from '../../contract/settings.js';
import { spendByTarget } from '../allocation/last-period.js';
import { propose } from '../allocation/strategies.js';
import type { BudgetEngine } from '../budgets/engine.js';
import { periodAt } from '../budgets/periods.js';
import type { Ledger } from '../ledger/ledger.js';
import { dayKey, resolveZone, zonedParts } from '../time/zoned.js';
import type { Clock } from '../util/clock.js';
import { schemaApi } from '../util/schema.js';
import { hierarchySchemas } from './schemas.js';
import type { Teams } from './teams.js';
import { buildTree } from './tree.js';

export interface HierarchyApiDeps {
  teams: Teams;
  ledger: Ledger;
  engine: Pick<BudgetEngine, 'list'>;
  keys: { list(): KeyDto[] };
  clock: Clock;
  settings: () => Settings;
}

/** The calendar month `ms` is in, and the one before it, as day keys in the zone. */
function months(ms: number, timezone: string) {
  const tz = resolveZone(timezone);
  const cur = periodAt({ kind: 'month' }, ms, tz);
  const prev = periodAt({ kind: 'month' }, cur.start - 1, tz);
  const day = (t: number) => dayKey(zonedParts(t, tz));
  return { from: day(cur.start), to: day(ms), lastFrom: day(prev.start), lastTo: day(cur.start - 1) };
}

/** Teams, the hierarchy's tree with its rollups and over-allocation warnings, and allocation proposals. */
export function createHierarchyApi(d: HierarchyApiDeps): ApiPart<HierarchyApiSpec> {
  const teamOf = d.teams.teamOf;
  const report = (teams = d.teams.get(), statuses = d.engine.list()) => {
    const m = months(d.clock.now(), d.settings().timezone);
    const keys = d.keys.list().map((k) => ({ id: k.id, name: k.name ?? k.label, project: k.project }));
    return buildTree({ teams, rows: d.ledger.rollups(m.from, m.to), statuses, keys, teamOf, from: m.from, to: m.to });
  };
  return schemaApi<HierarchyApiSpec>()(hierarchySchemas, {
    'teams.get': async () => d.teams.get(),
    'teams.set': async (cfg) => {
      d.teams.set(cfg);
      return { teams: d.teams.get(), warnings: report().warnings };
    },
    'hierarchy.report': async () => report(),
    'hierarchy.check': async (c) => {
      const now = d.clock.now();
      const statuses = d.engine.list().filter((s) => s.budget.id !== c.id);
      const scope = Object.fromEntries(Object.entries(c.scope).filter(([, v]) => v)) as Record<string, string>;
      const candidate: BudgetStatus = {
        ...PROBE,
        budget: { ...PROBE.budget, id: c.id ?? '(new budget)', scope, period: (c.period ?? { kind: 'month' }) as BudgetPeriod, limitUsd: c.limitUsd, createdAt: now, updatedAt: now },
      };
      const before = new Set(report(undefined, statuses).warnings);
      return { warnings: report(undefined, [...statuses, candidate]).warnings.filter((w) => !before.has(w)) };
    },
    'allocation.propose': async (req) => {
      const cfg = d.teams.get();
      const m = months(d.clock.now(), d.settings().timezone);
      const last = req.strategy === 'proportional' ? spendByTarget(d.ledger.rollups(m.lastFrom, m.lastTo), teamOf) : () => 0;
      const teamName = (id: string) => cfg.teams.find((t) => t.id === id)?.name ?? id;
      // The schema's refinements (a rolling period has its days) make the request the contract's shape.
      return propose(req as AllocationRequest, { teamName, organization: cfg.organization, lastUsd: last });
    },
  });
}

/** A status for a budget that does not exist yet: only its scope, period and limit matter to the check. */
const PROBE: BudgetStatus = {
  budget: {
    id: '',
    source: 'api',
    name: 'This budget',
    scope: {},
    period: { kind: 'month' },
    limitUsd: null,
    limitTokens: null,
    thresholds: [],
    hardStopPercent: null,
    action: 'block',
    degradeTo: {},
    dailyGuardrailUsd: null,
    counts: 'max',
    runLimits: {},
    enabled: true,
    createdAt: 0,
    updatedAt: 0,
  },
  run: null,
  periodKey: '',
  periodStart: 0,
  resetsAt: null,
  spentUsd: 0,
  spentTokens: 0,
  reservedUsd: 0,
  reservedTokens: 0,
  reportedUsd: null,
  reportedAsOf: null,
  effectiveLimitUsd: null,
  effectiveLimitTokens: null,
  percent: 0,
  state: 'ok',
  fired: [],
  unpricedRequests: 0,
  guardrail: null,
  overrides: [],
  iterations: null,
};
