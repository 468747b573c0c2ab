import type { ErrorKind } from '../types.js';

const TYPE: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  too_large: 'request_too_large',
  budget_exceeded: 'billing_error',
  paused: 'billing_error',
  upstream_unreachable: 'api_error',
  upstream_timeout: 'timeout_error',
  internal: 'api_error',
};

/** Anthropic's error shape: {"type":"error","error":{"type","message"}}. */
export function anthropicErrorBody(_status: number, kind: ErrorKind, message: string): string {
  return JSON.stringify({ type: 'error', error: { type: TYPE[kind], message } });
}

export function anthropicErrorFrame(kind: ErrorKind, message: string): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: TYPE[kind], message } })}\n\n`;
}
