import type { IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';
import type { ProviderRoute } from '../../providers/registry.js';
import type { UpstreamRequest } from '../../providers/types.js';
import { upstreamRequestHeaders } from '../headers.js';
import { AuthorizeError, authorizeThen } from '../upstream-request.js';

/** The handshake's own headers: the upstream handshake makes its own key, version and extension offer. */
const HANDSHAKE = ['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol'];

export interface UpstreamSocketSpec {
  route: ProviderRoute;
  path: string;
  query: URLSearchParams;
  rawQuery: string;
  incoming: IncomingHttpHeaders;
  secret: (() => string) | null;
}

/**
 * Opens the upstream WebSocket at the same base URL the route's HTTP calls use, with the headers an HTTP call
 * would carry and the provider's `authorize` applied (a wrapped key's real secret). `opened` gets the socket
 * while it connects; `failed` an AuthorizeError when authorize threw.
 */
export function openUpstreamSocket(spec: UpstreamSocketSpec, opened: (ws: WebSocket) => void, failed: (err: AuthorizeError) => void): void {
  const up = spec.route.upstream;
  const secret = spec.secret ? spec.secret() : null;
  const headers = upstreamRequestHeaders(spec.incoming, up.hostHeader, null);
  for (const h of HANDSHAKE) delete headers[h];
  const request: UpstreamRequest = { method: 'GET', path: up.basePath + spec.path, query: spec.query, headers, body: null };
  const protocols = String(spec.incoming['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const connect = () => {
    const qs = secret !== null ? request.query.toString() : spec.rawQuery;
    const scheme = up.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws: WebSocket;
    try {
      ws = new WebSocket(`${scheme}//${up.hostname}:${up.port}${request.path}${qs ? `?${qs}` : ''}`, protocols, {
        headers: request.headers as Record<string, string>,
        perMessageDeflate: true,
        ...(up.agent ? { agent: up.agent } : {}),
      });
    } catch (err) {
      failed(new AuthorizeError(err));
      return;
    }
    opened(ws);
  };
  authorizeThen(spec.route.provider, request, secret, connect, failed);
}
