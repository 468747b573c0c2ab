import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { ProviderRoute } from '../providers/registry.js';
import type { ProviderModule, UpstreamRequest } from '../providers/types.js';
import { upstreamRequestHeaders } from './headers.js';
import { sendUpstream, UnsendableRequestError, type UpstreamEvents } from './upstream-client.js';

export { UpstreamTimeoutError } from './upstream-client.js';

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
  /** The client's body, streamed through unread when `body` is null (pass-through); null when it has none. */
  stream?: Readable | null;
  /** The longest silence from upstream before the call is given up on. */
  idleMs: number;
}

/**
 * The one place an upstream request is built, for metered calls and pass-through alike: headers in one pass,
 * then the provider's `authorize` over the final method, path, headers and body, then the request (events: see
 * UpstreamEvents); `failed` gets an AuthorizeError when authorize threw.
 */
export function openUpstream(spec: UpstreamSpec, events: UpstreamEvents, failed: (err: AuthorizeError) => void): void {
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
    sendUpstream(
      up.dispatcher,
      {
        origin: up.origin,
        method: request.method,
        path: qs ? `${request.path}?${qs}` : request.path,
        headers: request.headers,
        body: request.body ?? spec.stream ?? null,
        idleMs: spec.idleMs,
      },
      {
        opened: events.opened,
        response: events.response,
        // A header authorize set that HTTP cannot carry: refused here, as authorize's own failure.
        error: (err) => (err instanceof UnsendableRequestError ? failed(new AuthorizeError(err)) : events.error(err)),
      },
    );
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
