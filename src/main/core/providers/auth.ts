import type { IncomingHttpHeaders } from 'node:http';
import { isSubscriptionToken } from './anthropic/subscription.js';
import type { Credential, UpstreamRequest } from './types.js';

export { isSubscriptionToken };

/** OAuth tokens of subscription plans are passed through untouched and their spend is marked API-equivalent. */
export function credentialOf(value: string | undefined | null): Credential | null {
  if (!value) return null;
  return { value, kind: isSubscriptionToken(value) ? 'subscription' : 'api-key' };
}

export function bearer(headers: IncomingHttpHeaders): Credential | null {
  const h = headers.authorization;
  if (!h || !/^bearer /i.test(h)) return null;
  return credentialOf(h.slice(7).trim());
}

/** `authorize` for providers that take a wrapped key's secret as a bearer. */
export function authorizeBearer(request: UpstreamRequest, secret: string | null): void {
  if (secret !== null) request.headers.authorization = `Bearer ${secret}`;
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
