import type { Budget } from '../../contract/budgets.js';
import type { RecordSource } from '../../contract/usage.js';
import type { Counter } from './counters.js';

/** Whether a budget counts spend from this source (absent `sources`: every source). */
export function countsSource(b: Budget, source: RecordSource | undefined): boolean {
  const s = source ?? 'proxy';
  if (s === 'proxy') return true;
  const sources = b.sources ?? 'proxy+logs+telemetry';
  return s === 'logs' ? sources !== 'proxy' : sources === 'proxy+logs+telemetry';
}

/**
 * In a counter's fired list (which starts over each period, and is persisted): a tool whose spend reached this
 * budget without passing the proxy this period, e.g. `ext:claude-code`.
 */
const TAG = 'ext:';

export function markExternal(c: Counter, tool: string): boolean {
  const tag = TAG + tool;
  if (c.fired.includes(tag)) return false;
  c.fired.push(tag);
  return true;
}

export function externalTools(c: Counter): string[] {
  return c.fired.filter((f) => f.startsWith(TAG)).map((f) => f.slice(TAG.length));
}
