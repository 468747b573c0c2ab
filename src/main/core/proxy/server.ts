import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { ProviderRegistry } from '../providers/registry.js';
import { GENERIC_ERRORS, sendProviderError } from './respond.js';

export interface HttpRoutes {
  registry: () => ProviderRegistry;
  forward: (req: IncomingMessage, res: ServerResponse, route: ReturnType<ProviderRegistry['match']> & object, rawQuery: string) => void;
  admin: (req: IncomingMessage, res: ServerResponse, path: string) => void;
  /** The dashboard's static files (headless mode); returns false when it has nothing for the path. */
  dashboard?: (req: IncomingMessage, res: ServerResponse, path: string) => boolean;
}

/**
 * The one HTTP server: provider routes, the admin API under /api/, and the dashboard. Built here, bound by the
 * caller, so tests and both entry points share it.
 */
export function createHttpServer(routes: HttpRoutes): http.Server {
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q + 1);
    const match = routes.registry().match(path);
    if (match) return routes.forward(req, res, match, rawQuery);
    if (path.startsWith('/api/')) return routes.admin(req, res, path);
    if (routes.dashboard?.(req, res, path)) return;
    sendProviderError(
      res,
      GENERIC_ERRORS,
      404,
      'not_found',
      `No route for ${path}. Point your client at /openai/v1, /anthropic, /gemini or /custom/<id>.`,
    );
  });
  // Streams can be quiet for a long time while a model thinks; idle upstreams are timed out per request instead.
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 65_000;
  return server;
}
