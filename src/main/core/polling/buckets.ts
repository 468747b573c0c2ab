import type { TokenUsage } from '../../contract/usage.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Provider buckets snap to UTC minutes, hours and days; so does every window Tollgate asks for. */
export function floorTo(ms: number, unit: number): number {
  return Math.floor(ms / unit) * unit;
}

export function ceilTo(ms: number, unit: number): number {
  return Math.ceil(ms / unit) * unit;
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function emptyUsage(): TokenUsage {
  return { inputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}

export function isEmptyUsage(u: TokenUsage): boolean {
  return u.inputTokens === 0 && u.outputTokens === 0 && u.cacheReadTokens === 0 && u.cacheWrite5mTokens === 0 && u.cacheWrite1hTokens === 0;
}
