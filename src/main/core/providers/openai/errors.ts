import type { ErrorKind } from '../types.js';

const TYPE: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'invalid_request_error',
  too_large: 'invalid_request_error',
  budget_exceeded: 'insufficient_quota',
  paused: 'insufficient_quota',
  upstream_unreachable: 'server_error',
  upstream_timeout: 'server_error',
  internal: 'server_error',
};

/** OpenAI's error shape: {"error":{"message","type","param","code"}}. */
export function openaiErrorBody(_status: number, kind: ErrorKind, message: string): string {
  return JSON.stringify({ error: { message, type: TYPE[kind], param: null, code: kind } });
}
