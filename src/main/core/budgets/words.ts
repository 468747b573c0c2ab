import type { Budget } from '../../contract/budgets.js';
import type { Settings } from '../../contract/settings.js';
import type { Counter } from './counters.js';
import { tokens as fmtTokens, usd, when } from './format.js';
import { describePeriod } from './periods.js';
import { describeScope } from './scope.js';
import type { Limits, Spent } from './spend.js';

const TOOL_NAMES: Record<string, string> = { 'claude-code': 'Claude Code', codex: 'Codex' };

/**
 * For a budget that counted spend the proxy never saw: it can warn, but only routing the tool through Tollgate
 * lets the hard stop act. "Tollgate can warn but not stop this: route Claude Code through Tollgate."
 */
export function unblockableWords(tools: readonly string[]): string {
  const names = [...new Set(tools.map((t) => TOOL_NAMES[t] ?? t))];
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'the coding tool');
  return `Tollgate can warn but not stop this: route ${list} through Tollgate.`;
}

export const HOW_TO_RAISE = 'Raise the limit or add a temporary override in Tollgate (dashboard → Budgets), or turn off hard-stop enforcement from the tray.';

/** The phrases budget alerts, block messages and the audit log share. Only called once there is something to say. */
export interface Words {
  /** The budget's name, with the run for run budgets: `Agents (run r1)`. */
  name(b: Budget, c: Counter): string;
  scope(b: Budget): string;
  /** "at 2026-12-01 00:00 Europe/Berlin", or "never (a total budget)". */
  reset(c: Counter): string;
  /** "$4.00 of $10.00 this month" */
  spend(b: Budget, spent: Spent, lim: Limits): string;
  /** What the hard stop will do, and at what amount. */
  stop(b: Budget, lim: Limits): string;
  when(ms: number): string;
}

export function createWords(deps: { settings: () => Settings; keyLabel: (id: string) => string }): Words {
  const tz = () => deps.settings().timezone;
  const scope = (b: Budget) => describeScope(b.scope, deps.keyLabel);
  return {
    name: (b, c) => (c.run ? `${b.name} (run ${c.run})` : b.name),
    scope,
    reset: (c) => (c.periodEnd === null ? 'never (a total budget)' : `at ${when(c.periodEnd, tz())}`),
    spend(b, spent, lim) {
      const parts: string[] = [];
      if (lim.usd !== null) parts.push(`${usd(spent.usd)} of ${usd(lim.usd)}`);
      if (lim.tokens !== null) parts.push(`${fmtTokens(spent.tokens)} of ${fmtTokens(lim.tokens)}`);
      return `${parts.join(' and ')} ${describePeriod(b.period)}`;
    },
    stop(b, lim) {
      if (b.hardStopPercent === null) return 'It has no hard stop: requests continue.';
      const at: string[] = [];
      if (lim.usd !== null) at.push(usd((lim.usd * b.hardStopPercent) / 100));
      if (lim.tokens !== null) at.push(fmtTokens((lim.tokens * b.hardStopPercent) / 100));
      const verb = b.action === 'degrade' ? 'sent to a cheaper model' : 'blocked';
      const enforced = deps.settings().hardStopEnforcement ? '' : ' once hard-stop enforcement is turned back on';
      return `Requests for ${scope(b)} will be ${verb} at ${at.join(' / ')} (${b.hardStopPercent}%)${enforced}.`;
    },
    when: (ms) => when(ms, tz()),
  };
}
