import http, { type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { ProviderRoute } from '../providers/registry.js';
import type { ProviderModule, UpstreamRequest } from '../providers/types.js';
import { upstreamRequestHeaders } from './headers.js';

export class UpstreamTimeoutError extends Error {
  constructor(ms: number) {
    super(`upstream sent nothing for ${Math.round(ms / 1000)} s`);
  }
}

/** The provider's `authorize` threw or rejected: the request never left. */
export class AuthorizeError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

export interface UpstreamSpec {
  route: ProviderRoute;
  method: string;
  /** The route's path (after Tollgate's prefix), without the query. */
  path: string;
  query: URLSearchParams;
  rawQuery: string;
  incoming: IncomingHttpHeaders;
  /** A wrapped key's real secret; null when the client's own credential passes through. */
  secret: (() => string) | null;
  /** The final body (metered calls), or null to stream the client's body through unread. */
  body: Buffer | null;
  /** The longest silence from upstream before the call is given up on. */
  idleMs: number;
}

/**
 * The one place an upstream request is built, for metered calls and pass-through alike: headers in one pass,
 * then the provider's `authorize` over the final method, path, headers and body, then the request. `opened`
 * gets the request to write the body to; `failed` gets an AuthorizeError when authorize threw.
 */
export function openUpstream(spec: UpstreamSpec, opened: (upReq: ClientRequest) => void, failed: (err: AuthorizeError) => void): void {
  const up = spec.route.upstream;
  const secret = spec.secret ? spec.secret() : null;
  const request: UpstreamRequest = {
    method: spec.method,
    path: up.basePath + spec.path,
    query: spec.query,
    headers: upstreamRequestHeaders(spec.incoming, up.hostHeader, spec.body ? spec.body.length : null),
    body: spec.body,
  };
  const send = () => {
    // Without a secret nothing was put in the query, so the client's own bytes go on unchanged.
    const qs = secret !== null ? request.query.toString() : spec.rawQuery;
    let upReq: ClientRequest;
    try {
      upReq = (up.protocol === 'https:' ? https : http).request({
        protocol: up.protocol,
        hostname: up.hostname,
        port: up.port,
        method: request.method,
        path: qs ? `${request.path}?${qs}` : request.path,
        headers: request.headers,
        agent: up.agent,
      });
    } catch (err) {
      // A header authorize set that HTTP cannot carry: refused here rather than thrown out of the event loop.
      failed(new AuthorizeError(err));
      return;
    }
    upReq.setTimeout(spec.idleMs, () => upReq.destroy(new UpstreamTimeoutError(spec.idleMs)));
    opened(upReq);
  };
  authorizeThen(spec.route.provider, request, secret, send, failed);
}

/**
 * Runs the provider's authorize over the final request, then `next`; a throw or a rejection goes to `failed`.
 * Built-in providers authorize synchronously; only a provider that mints or signs pays for a promise.
 */
export function authorizeThen(provider: ProviderModule, request: UpstreamRequest, secret: string | null, next: () => void, failed: (err: AuthorizeError) => void): void {
  let pending: void | Promise<void>;
  try {
    pending = provider.authorize(request, secret);
  } catch (err) {
    failed(new AuthorizeError(err));
    return;
  }
  if (pending && typeof pending.then === 'function') pending.then(next, (err: unknown) => failed(new AuthorizeError(err)));
  else next();
}

export function unreachableMessage(name: string, baseUrl: string, err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH') {
    return `Could not reach ${name} at ${baseUrl} (${code}).`;
  }
  return `The connection to ${name} failed before it answered (${code ?? err.message}).`;
}
