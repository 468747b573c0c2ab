import type { UsageErrorKind } from './provider-client.js';
import { DAY_MS, MINUTE_MS } from './buckets.js';

/** Never poll a connection more often than once a minute: Anthropic documents that as its sustained rate. */
export const MIN_INTERVAL_MS = MINUTE_MS;
export const DEFAULT_INTERVAL_MINUTES = 5;
export const MAX_INTERVAL_MINUTES = 24 * 60;
/** Exponential backoff stops growing here. */
export const MAX_BACKOFF_MS = 30 * MINUTE_MS;

/**
 * How long to wait after a failed poll. A 429's Retry-After is honoured (never earlier; no retry sooner than a
 * minute even if it asks for less); without one, and for server, network and malformed answers, the wait doubles
 * from a minute up to half an hour. No jitter: one desktop app polling a few connections makes no herd.
 */
export function retryDelayMs(kind: UsageErrorKind, consecutiveFailures: number, retryAfterMs: number | null): number {
  if (kind === 'rate-limited' && retryAfterMs !== null) return Math.min(DAY_MS, Math.max(MIN_INTERVAL_MS, retryAfterMs));
  const n = Math.max(1, consecutiveFailures);
  return Math.min(MAX_BACKOFF_MS, MIN_INTERVAL_MS * 2 ** (n - 1));
}
