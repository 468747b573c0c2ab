import type { ServerResponse } from 'node:http';
import type { ErrorKind, ProviderModule } from '../providers/types.js';

/**
 * Tollgate's own refusals, in the provider's error shape so SDKs surface the message. Client errors and budget
 * blocks say `x-should-retry: false`, which the official OpenAI and Anthropic SDKs honour.
 */
export function sendProviderError(
  res: ServerResponse,
  provider: Pick<ProviderModule, 'errorBody'>,
  status: number,
  kind: ErrorKind,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = provider.errorBody(status, kind, message);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-tollgate-error': kind,
    ...(status < 500 ? { 'x-should-retry': 'false' } : {}),
    ...headers,
  });
  res.end(body);
}

/** For paths that match no provider: OpenAI's shape, the one most clients understand. */
export const GENERIC_ERRORS: Pick<ProviderModule, 'errorBody'> = {
  errorBody: (_status, kind, message) => JSON.stringify({ error: { message, type: kind, code: kind } }),
};
