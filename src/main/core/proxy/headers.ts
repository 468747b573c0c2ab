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

/**
 * The headers sent upstream, built in one pass: hop-by-hop and Tollgate's own headers dropped, Host set to the
 * upstream's. A metered call's body is final bytes of a known length; an unmetered one streams the client's body
 * as it came: its content-length is kept, and a chunked one is chunked again on the way (transfer-encoding is
 * hop-by-hop).
 */
export function upstreamRequestHeaders(h: IncomingHttpHeaders, host: string, bodyLength: number | null): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const k in h) {
    // Expect was answered by Tollgate's own server, which has the body on its way already.
    if (HOP_BY_HOP.has(k) || k === 'host' || k === 'expect' || k.startsWith('x-tollgate-')) continue;
    out[k] = h[k];
  }
  if (bodyLength !== null) {
    // Metered responses are read beside the pipe; asking for identity encoding keeps them readable without a
    // decompressor on the hot path. Loopback to the client gains nothing from compression anyway.
    out['accept-encoding'] = 'identity';
    out['content-length'] = String(bodyLength);
  }
  out.host = host;
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
