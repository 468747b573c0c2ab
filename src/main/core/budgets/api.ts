import type { ApiPart, BudgetApiSpec } from '../../contract/api.js';
import type { Budget } from '../../contract/budgets.js';
import type { Ledger } from '../ledger/ledger.js';
import { schemaApi } from '../util/schema.js';
import { NotFoundError, ValidationError } from '../util/validation.js';
import type { Settings } from '../../contract/settings.js';
import { dayKey, resolveZone, zonedParts, zonedTimeToEpoch } from '../time/zoned.js';
import type { Clock } from '../util/clock.js';
import type { BudgetEngine } from './engine.js';
import { periodAt } from './periods.js';
import { countsSource } from './sources.js';
import { sourceOfKeyId } from '../ledger/source.js';
import type { TeamOf } from './scope-index.js';
import { budgetSchemas } from './schemas.js';
import { suggestBudgets } from './suggestions.js';

const DAY_MS = 86_400_000;

/** Day keys from `from` to `to` (inclusive) in the zone. */
function dayKeys(fromMs: number, toMs: number, tz: string): string[] {
  const out: string[] = [];
  const z = zonedParts(fromMs, tz);
  for (let i = 0; ; i++) {
    const t = zonedTimeToEpoch(tz, z.year, z.month, z.day + i);
    if (t > toMs) break;
    out.push(dayKey(zonedParts(t, tz)));
    if (i > 4000) break;
  }
  return out;
}

/**
 * Spend already in the ledger for a budget's current period, so a budget created mid-month starts from what
 * the month has cost so far. Rollups know provider, key, model and project; budgets scoped by user or run
 * start from zero. A team budget counts the rows `teamOf` places in its team (none without it).
 */
export function spendSoFar(b: Budget, ledger: Ledger, now: number, timezone: string, teamOf?: TeamOf): { usd: number; tokens: number } | null {
  if (b.scope.team && !teamOf) return null;
  if (b.scope.user || b.scope.run) return null;
  const tz = resolveZone(timezone);
  const w = periodAt(b.period, now, tz);
  const from = b.period.kind === 'total' ? undefined : dayKey(zonedParts(b.period.kind === 'rolling' ? now - (b.period.days ?? 1) * DAY_MS + DAY_MS : w.start, tz));
  let usd = 0;
  let tokens = 0;
  for (const r of ledger.rollups(from)) {
    if (b.scope.provider && r.provider !== b.scope.provider) continue;
    if (!countsSource(b, sourceOfKeyId(r.keyId))) continue;
    if (b.scope.keyId && r.keyId !== b.scope.keyId) continue;
    if (b.scope.project && r.project !== b.scope.project) continue;
    if (b.scope.model && !(b.scope.model.endsWith('*') ? r.model.startsWith(b.scope.model.slice(0, -1)) : r.model === b.scope.model)) continue;
    if (b.scope.team && teamOf!({ provider: r.provider, keyId: r.keyId, model: r.model, project: r.project, user: r.user ?? null, run: r.run ?? null }) !== b.scope.team) continue;
    usd += r.costUsd;
    tokens += r.inputTokens + r.outputTokens;
  }
  return { usd, tokens };
}

export interface BudgetApiDeps {
  engine: BudgetEngine;
  ledger: Ledger;
  clock: Clock;
  settings: () => Settings;
  keyLabel: (id: string) => string;
}

/** Budgets, overrides, suggestions, alerts and the audit log. Whole budgets are checked by the engine (validate.ts). */
export function createBudgetApi(d: BudgetApiDeps): ApiPart<BudgetApiSpec> {
  return schemaApi<BudgetApiSpec>()(budgetSchemas, {
    'budgets.list': async () => d.engine.list(),
    'budgets.create': async (input) => {
      const b = d.engine.create(input);
      const so = spendSoFar(b, d.ledger, d.clock.now(), d.settings().timezone, d.engine.teamOf);
      if (so && (so.usd > 0 || so.tokens > 0)) d.engine.seed(b, so.usd, so.tokens);
      return b;
    },
    'budgets.update': async ({ id, ...patch }) => d.engine.update(id, patch),
    'budgets.delete': async ({ id }) => ({ deleted: d.engine.remove(id) }),
    'budgets.override': async (o) => {
      if (!d.engine.get(o.budgetId)) throw new NotFoundError(`No budget "${o.budgetId}".`);
      const addUsd = o.addUsd ?? null;
      const addPercent = o.addPercent ?? null;
      if ((addUsd === null) === (addPercent === null)) throw new ValidationError('addUsd', 'give either addUsd (dollars) or addPercent, not both or neither');
      const now = d.clock.now();
      let expiresAt: number;
      if (o.expiresAt !== undefined) {
        if (o.expiresAt <= now) throw new ValidationError('expiresAt', `must be greater than ${now}`);
        expiresAt = o.expiresAt;
      } else if (o.minutes !== undefined) {
        expiresAt = now + o.minutes * 60_000;
      } else {
        throw new ValidationError('minutes', 'required: give minutes from now, or expiresAt');
      }
      return d.engine.addOverride({ budgetId: o.budgetId, addUsd, addPercent, expiresAt, reason: o.reason });
    },
    'budgets.cancelOverride': async ({ id }) => ({ cancelled: d.engine.cancelOverride(id) }),
    'budgets.suggestions': async () => {
      const now = d.clock.now();
      const tz = resolveZone(d.settings().timezone);
      const days = dayKeys(now - 20 * DAY_MS, now, tz);
      const month = periodAt({ kind: 'month' }, now, tz);
      const monthDays = dayKeys(month.start, now, tz);
      const z = zonedParts(month.start, tz);
      const daysInMonth = Math.round((zonedTimeToEpoch(tz, z.year, z.month + 1, 1) - month.start) / DAY_MS);
      return suggestBudgets({ rollups: d.ledger.rollups(days[0] && monthDays[0] && monthDays[0] < days[0] ? monthDays[0] : days[0]), days, monthDays, daysInMonth, keyLabel: d.keyLabel });
    },
    'alerts.recent': async (o) => d.engine.alerts(o.limit ?? 50),
    'audit.list': async (o) => d.engine.audit(o.limit ?? 200, o.kind ?? undefined),
  });
}
