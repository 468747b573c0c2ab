import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are for one connection only and are never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Headers a client may add to attribute a call; they are Tollgate's, so they never reach the provider. */
export const ATTRIBUTION_HEADERS = ['x-tollgate-project', 'x-tollgate-run', 'x-tollgate-user'] as const;

export function upstreamRequestHeaders(h: IncomingHttpHeaders, meteredIdentity: boolean): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const k in h) {
    if (HOP_BY_HOP.has(k) || k === 'host' || k.startsWith('x-tollgate-')) continue;
    out[k] = h[k];
  }
  // Metered responses are read beside the pipe; asking for identity encoding keeps them readable without a
  // decompressor on the hot path. Loopback to the client gains nothing from compression anyway.
  if (meteredIdentity) out['accept-encoding'] = 'identity';
  return out;
}

export function clientResponseHeaders(h: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const k in h) {
    if (HOP_BY_HOP.has(k)) continue;
    out[k] = h[k];
  }
  return out;
}

export function singleHeader(h: IncomingHttpHeaders, name: string): string | null {
  const v = h[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.length <= 200 ? s : null;
}
