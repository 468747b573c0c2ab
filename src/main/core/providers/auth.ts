import type { IncomingHttpHeaders } from 'node:http';
import type { Credential } from './types.js';

/** OAuth tokens of subscription plans are passed through untouched and their spend is marked API-equivalent. */
const SUBSCRIPTION_TOKEN = /^sk-ant-oat/;

export function credentialOf(value: string | undefined | null): Credential | null {
  if (!value) return null;
  return { value, kind: SUBSCRIPTION_TOKEN.test(value) ? 'subscription' : 'api-key' };
}

export function bearer(headers: IncomingHttpHeaders): Credential | null {
  const h = headers.authorization;
  if (!h || !/^bearer /i.test(h)) return null;
  return credentialOf(h.slice(7).trim());
}

export function setBearer(headers: Record<string, string | string[] | undefined>, secret: string): void {
  headers.authorization = `Bearer ${secret}`;
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
