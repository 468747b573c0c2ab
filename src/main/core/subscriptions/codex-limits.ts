import type { CodexRateLimitsDto, CodexWindowDto } from '../../contract/routing.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

function windowOf(v: unknown): CodexWindowDto | null {
  if (!isObj(v)) return null;
  const used = num(v.used_percent);
  const minutes = num(v.window_minutes);
  // The file says resets_at (epoch seconds); the wire event says reset_at.
  const reset = num(v.resets_at) ?? num(v.reset_at);
  if (used === null) return null;
  // Codex itself ignores a window at 0% with neither a length nor a reset.
  if (used === 0 && minutes === null && reset === null) return null;
  return { usedPercent: used, windowMinutes: minutes, resetsAt: reset === null ? null : reset * 1000 };
}

/**
 * The rate limits a Codex rollout's token_count event carries (CODING-TOOLS.md §6): Codex's own used percentages
 * and reset times for its primary (typically five-hour) and secondary (typically weekly) windows. null for any
 * other line, and for API-key sessions, where rate_limits is null.
 */
export function parseCodexRateLimits(line: string): CodexRateLimitsDto | null {
  if (!line.includes('"rate_limits"')) return null;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObj(o) || o.type !== 'event_msg' || !isObj(o.payload) || o.payload.type !== 'token_count') return null;
  const rl = o.payload.rate_limits;
  const at = Date.parse(String(o.timestamp));
  if (!isObj(rl) || !Number.isFinite(at)) return null;
  const primary = windowOf(rl.primary);
  const secondary = windowOf(rl.secondary);
  if (!primary && !secondary) return null;
  return { at, limitId: str(rl.limit_id), planType: str(rl.plan_type), primary, secondary };
}
