import type { ClaudeWindowDto } from '../../contract/routing.js';

export const WINDOW_MS = 5 * 3600_000;
export const WEEK_MS = 7 * 24 * 3600_000;
const HOUR = 3600_000;

/**
 * Spend of five minutes: [start (ms), USD, tokens, calls]. Windows start and end on the hour, so a bucket never
 * straddles a window's end; five minutes keep a week of heavy use to at most 2,076 buckets (minutes made the
 * stored document 589 kB after a month of imported logs, rewritten every second while an import ran).
 */
export type SpendBucket = [number, number, number, number];
export const BUCKET_MS = 5 * 60_000;

/**
 * Claude Code's five-hour windows estimated from its own calls, as ccusage does (CODING-TOOLS.md §6): a window
 * starts at the hour of the first message after the last window ended, and a call more than five hours after the
 * window's start, or after the call before it, starts a new one. Anthropic does not publish its exact rule.
 */
export function claudeWindows(buckets: readonly SpendBucket[]): ClaudeWindowDto[] {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const out: ClaudeWindowDto[] = [];
  let cur: ClaudeWindowDto | null = null;
  for (const [ts, cost, tokens, calls] of sorted) {
    if (!cur || ts >= cur.end || ts - cur.lastAt > WINDOW_MS) {
      const start = Math.floor(ts / HOUR) * HOUR;
      cur = { start, end: start + WINDOW_MS, lastAt: ts, costUsd: 0, tokens: 0, calls: 0 };
      out.push(cur);
    }
    cur.lastAt = ts;
    cur.costUsd += cost;
    cur.tokens += tokens;
    cur.calls += calls;
  }
  return out;
}

/** The rolling last seven days. */
export function weekTotals(buckets: readonly SpendBucket[], now: number): { costUsd: number; tokens: number; calls: number } {
  const t = { costUsd: 0, tokens: 0, calls: 0 };
  for (const [ts, cost, tokens, calls] of buckets) {
    if (ts <= now - WEEK_MS || ts > now) continue;
    t.costUsd += cost;
    t.tokens += tokens;
    t.calls += calls;
  }
  return t;
}
