import type { ErrorKind } from '../types.js';

const STATUS: Record<ErrorKind, string> = {
  invalid_request: 'INVALID_ARGUMENT',
  authentication: 'UNAUTHENTICATED',
  permission: 'PERMISSION_DENIED',
  not_found: 'NOT_FOUND',
  too_large: 'INVALID_ARGUMENT',
  // Not RESOURCE_EXHAUSTED: clients treat that as a rate limit and retry.
  budget_exceeded: 'FAILED_PRECONDITION',
  paused: 'FAILED_PRECONDITION',
  upstream_unreachable: 'UNAVAILABLE',
  upstream_timeout: 'DEADLINE_EXCEEDED',
  internal: 'INTERNAL',
};

/** Google's error shape: {"error":{"code","message","status"}}. */
export function geminiErrorBody(status: number, kind: ErrorKind, message: string): string {
  return JSON.stringify({ error: { code: status, message, status: STATUS[kind] } });
}
