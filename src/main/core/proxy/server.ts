import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { clientPathList } from '../providers/describe.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { createRequestGate, type Bound } from './request-gate.js';
import { resolveRequestTarget } from './request-path.js';
import { GENERIC_ERRORS, sendProviderError } from './respond.js';
import { rejectUpgrade } from './websocket/reject.js';

export interface HttpRoutes {
  registry: () => ProviderRegistry;
  forward: (req: IncomingMessage, res: ServerResponse, route: ReturnType<ProviderRegistry['match']> & object, rawQuery: string) => void;
  /** WebSocket upgrades on provider routes (the Responses API's transport). */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer, route: ReturnType<ProviderRegistry['match']> & object, rawQuery: string) => void;
  admin: (req: IncomingMessage, res: ServerResponse, path: string) => void;
  /** OTLP/HTTP intake under /otlp/ (coding tools' telemetry): never a provider route, so never metered as a call. */
  otlp?: (req: IncomingMessage, res: ServerResponse, path: string) => void;
  /** The dashboard's static files (headless mode); returns false when it has nothing for the path. */
  dashboard?: (req: IncomingMessage, res: ServerResponse, path: string) => boolean;
  /** Where the server is bound, once it is: the request gate pins Host and Origin to it. */
  bound: () => Bound | null;
  /** Refusals in the admin API's shape. */
  refuseAdmin: (res: ServerResponse, status: number, message: string) => void;
  /** Counts refusals, for the hardening figures. */
  onRefused?: (reason: string) => void;
  headersTimeoutMs?: number;
}

/**
 * The one HTTP server: provider routes, the admin API under /api/, and the dashboard. Built here, bound by the
 * caller, so tests and both entry points share it.
 */
export function createHttpServer(routes: HttpRoutes): http.Server {
  const headersTimeout = routes.headersTimeoutMs ?? 20_000;
  const checkRequest = createRequestGate();
  // Node enforces header and request timeouts on this sweep; its 30 s default would let a slow client linger.
  const server = http.createServer({ connectionsCheckingInterval: Math.min(5000, Math.max(250, headersTimeout / 4)) }, (req, res) => {
    const { path, rawQuery, match, refusal } = resolveRequestTarget(req.url ?? '/', routes.registry());
    const gate = checkRequest(req, routes.bound());
    const verdict = gate.ok && refusal ? { ok: false as const, status: 400, reason: refusal } : gate;
    if (!verdict.ok) {
      routes.onRefused?.(verdict.reason);
      res.setHeader('connection', 'close');
      if (match) return sendProviderError(res, match.route.provider, verdict.status, verdict.status === 400 ? 'invalid_request' : 'permission', verdict.reason);
      if (path.startsWith('/api/')) return routes.refuseAdmin(res, verdict.status, verdict.reason);
      return sendProviderError(res, GENERIC_ERRORS, verdict.status, 'permission', verdict.reason);
    }
    if (match) return routes.forward(req, res, match, rawQuery);
    if (path.startsWith('/api/')) return routes.admin(req, res, path);
    if (routes.otlp && path.startsWith('/otlp/')) return routes.otlp(req, res, path);
    if (routes.dashboard?.(req, res, path)) return;
    sendProviderError(
      res,
      GENERIC_ERRORS,
      404,
      'not_found',
      `No route for ${path}. Point your client at ${clientPathList()}.`,
    );
  });
  // An upgrade is a request like any other until it is accepted: the same Host and Origin checks keep a web page
  // from opening a socket through Tollgate.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const { path, rawQuery, match, refusal } = resolveRequestTarget(req.url ?? '/', routes.registry());
    const gate = checkRequest(req, routes.bound());
    const verdict = gate.ok && refusal ? { ok: false as const, status: 400, reason: refusal } : gate;
    const errors = match?.route.provider ?? GENERIC_ERRORS;
    if (!verdict.ok) {
      routes.onRefused?.(verdict.reason);
      return rejectUpgrade(socket, verdict.status, errors.errorBody(verdict.status, verdict.status === 400 ? 'invalid_request' : 'permission', verdict.reason));
    }
    if (match && routes.upgrade) return routes.upgrade(req, socket, head, match, rawQuery);
    rejectUpgrade(socket, 404, errors.errorBody(404, 'not_found', `No WebSocket endpoint at ${path}.`));
  });
  // Slow-loris: headers must arrive within 20 s and a whole request (not its answer: streams may run for
  // minutes) within 2 min; a body that stalls is cut off sooner by readBody's idle timer.
  server.headersTimeout = headersTimeout;
  // Node's header timeout starts at a connection's first byte, so a socket that never sends one would be held
  // for ever; thousands of them exhaust file descriptors. Such a socket gets the same deadline.
  server.on('connection', (socket) => {
    const timer = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, headersTimeout);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
  server.requestTimeout = 120_000;
  server.keepAliveTimeout = 65_000;
  return server;
}
