import type { Arrival } from '../call.js';
import { clientResponseHeaders } from '../headers.js';
import { sendProviderError } from '../respond.js';
import { openUpstream, unreachableMessage, UpstreamTimeoutError } from '../upstream-request.js';

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
      idleMs,
    },
    (upReq) => {
      upReq.on('response', (upRes) => {
        const h = clientResponseHeaders(upRes.headers);
        h['x-tollgate-request-id'] = id;
        res.writeHead(upRes.statusCode ?? 502, h);
        upRes.pipe(res);
        upRes.on('close', () => {
          if (!upRes.complete) res.destroy();
        });
      });
      upReq.on('error', (err) => {
        if (res.headersSent) return res.destroy();
        const timeout = err instanceof UpstreamTimeoutError;
        refuse(
          timeout ? 504 : 502,
          timeout ? 'upstream_timeout' : 'upstream_unreachable',
          timeout ? `The ${provider.name} upstream did not answer in time.` : unreachableMessage(provider.name, provider.baseUrl, err),
        );
      });
      res.on('close', () => {
        if (!res.writableFinished) upReq.destroy();
      });
      req.pipe(upReq);
    },
    (err) => refuse(500, 'internal', `Tollgate could not authorize the request for ${provider.name}: ${err.message}`),
  );
}
