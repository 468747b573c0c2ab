import type { IncomingMessage, ServerResponse } from 'node:http';
import { CHANNELS, EVENT_NAMES, type ApiEvents, type Channel, type TollgateApi } from '../../contract/api.js';
import { checkCookieAuth } from '../dashboard/browser-auth.js';
import type { DashboardSessions } from '../dashboard/sessions.js';
import type { Emitter } from '../util/events.js';
import { readBody } from '../proxy/body.js';
import { toApiError } from './errors.js';
import { tokenMatches } from './token.js';

const CHANNEL_SET = new Set<string>(CHANNELS);
const ADMIN_BODY_LIMIT = 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, payload: unknown) {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

export function bearerToken(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (h && /^bearer /i.test(h)) return h.slice(7).trim();
  const x = req.headers['x-tollgate-admin-token'];
  return typeof x === 'string' ? x : null;
}

/**
 * The admin API: POST /api/<channel> with the channel's input as JSON (GET works for channels without input),
 * answered in the same { ok, data | error } envelope IPC uses. GET /api/events streams core events as SSE.
 * Callers authenticate with the bearer token, or (the dashboard in a browser) with a session cookie, which is
 * honoured only for POSTs from the dashboard's own origin and for reading the event stream.
 */
export function createAdminHttp(deps: {
  api: TollgateApi;
  token: () => string;
  events: Emitter<ApiEvents & Record<string, unknown>>;
  sessions?: DashboardSessions;
  /** Streamed downloads (GET only) under /api/, beside the channels: path → handler, given the query string. */
  downloads?: Record<string, (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => void>;
  /**
   * Channels whose answer is written to the response as it is made (a large export), in the same envelope:
   * channel → handler, given the parsed input. An error thrown before it writes is answered as usual.
   */
  streamed?: Partial<Record<Channel, (input: unknown, res: ServerResponse) => Promise<void>>>;
}) {
  return function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string): void {
    const name = path.slice('/api/'.length);
    if (!tokenMatches(bearerToken(req), deps.token())) {
      const cookie = deps.sessions ? checkCookieAuth(req, deps.sessions, name === 'events' || deps.downloads?.[path] ? 'read' : 'call') : 'no-session';
      if (cookie === 'foreign-origin') {
        return sendJson(res, 403, { ok: false, error: { code: 'forbidden', message: 'Browser calls to the admin API must be POSTs from the dashboard\'s own page.' } });
      }
      if (cookie !== 'ok') {
        res.setHeader('www-authenticate', 'Bearer');
        return sendJson(res, 401, { ok: false, error: { code: 'unauthorized', message: 'Missing or wrong admin token: send "Authorization: Bearer <token>"; the token is in the data folder\'s admin-token file.' } });
      }
    }
    if (name === 'events' && req.method === 'GET') return streamEvents(req, res);
    const download = deps.downloads?.[path];
    if (download && req.method === 'GET') return download(req, res, new URLSearchParams((req.url ?? '').split('?')[1] ?? ''));
    if (!CHANNEL_SET.has(name)) return sendJson(res, 404, { ok: false, error: { code: 'not_found', message: `No API method "${name}". Methods: ${CHANNELS.join(', ')}` } });
    if (req.method !== 'POST' && req.method !== 'GET') return sendJson(res, 405, { ok: false, error: { code: 'method', message: 'Use POST (or GET for methods without input).' } });
    readBody(req, ADMIN_BODY_LIMIT, (err, body) => {
      if (err) return sendJson(res, 413, { ok: false, error: { code: 'too_large', message: err.message } });
      // No body means no input (GET, or POST of a method without one); a JSON null is checked like any other input.
      let input: unknown = {};
      const text = body.toString('utf8').trim();
      if (text) {
        try {
          input = JSON.parse(text);
        } catch (e) {
          return sendJson(res, 400, { ok: false, error: { code: 'invalid', message: `The body is not valid JSON: ${(e as Error).message}` } });
        }
      }
      const stream = deps.streamed?.[name as Channel];
      if (stream) {
        stream(input, res).catch((e: unknown) => {
          if (res.headersSent) return res.destroy();
          const { status, error } = toApiError(e);
          sendJson(res, status, { ok: false, error });
        });
        return;
      }
      const handler = deps.api[name as Channel] as (input: unknown) => Promise<unknown>;
      handler(input).then(
        (data) => sendJson(res, 200, { ok: true, data }),
        (e: unknown) => {
          const { status, error } = toApiError(e);
          sendJson(res, status, { ok: false, error });
        },
      );
    });
  };

  function streamEvents(req: IncomingMessage, res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': tollgate events\n\n');
    const offs = EVENT_NAMES.map((n) =>
      deps.events.on(n, (payload) => {
        res.write(`event: ${n}\ndata: ${JSON.stringify(payload)}\n\n`);
      }),
    );
    // Keeps idle proxies and browsers from closing a quiet stream.
    const ping = setInterval(() => res.write(': ping\n\n'), 25_000);
    ping.unref();
    req.on('close', () => {
      clearInterval(ping);
      for (const off of offs) off();
    });
  }
}
