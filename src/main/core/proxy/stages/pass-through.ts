import type { IncomingMessage } from 'node:http';
import type { Arrival } from '../call.js';
import { clientResponseHeaders } from '../headers.js';
import { sendProviderError } from '../respond.js';
import { openUpstream, unreachableMessage, UpstreamTimeoutError } from '../upstream-request.js';

/** Whether the client sent a body to stream on (a GET for a model list has none). */
function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

/** Unmetered paths (model lists, files, count_tokens…): streamed both ways, never buffered, never recorded. */
export function passThrough(a: Arrival, idleMs: number): void {
  const { req, res, route, id } = a;
  const { provider } = route;
  const refuse = (status: number, kind: 'upstream_timeout' | 'upstream_unreachable' | 'internal', message: string) =>
    sendProviderError(res, provider, status, kind, message, { 'x-tollgate-request-id': id });
  openUpstream(
    {
      route,
      method: req.method ?? 'GET',
      path: a.rest,
      query: a.query,
      rawQuery: a.rawQuery,
      incoming: req.headers,
      secret: a.ident.secret,
      body: null,
      stream: hasBody(req) ? req : null,
      idleMs,
    },
    {
      opened(upReq) {
        res.on('close', () => {
          if (!res.writableFinished) upReq.destroy();
        });
        return !res.destroyed;
      },
      response(upRes) {
        const h = clientResponseHeaders(upRes.headers);
        h['x-tollgate-request-id'] = id;
        res.writeHead(upRes.statusCode, h);
        upRes.on('data', (c: Buffer) => {
          if (!res.write(c)) {
            upRes.pause();
            res.once('drain', () => upRes.resume());
          }
        });
        upRes.on('end', () => res.end());
        upRes.on('close', () => {
          if (!upRes.complete) res.destroy();
        });
      },
      error(err) {
        if (res.headersSent) return res.destroy();
        const timeout = err instanceof UpstreamTimeoutError;
        refuse(
          timeout ? 504 : 502,
          timeout ? 'upstream_timeout' : 'upstream_unreachable',
          timeout ? `The ${provider.name} upstream did not answer in time.` : unreachableMessage(provider.name, provider.baseUrl, err),
        );
      },
    },
    (err) => refuse(500, 'internal', `Tollgate could not authorize the request for ${provider.name}: ${err.message}`),
  );
}
