import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import type { ProviderRoute } from '../../providers/registry.js';
import { PAUSED_MESSAGE } from '../admission.js';
import { blockForm } from '../block-form.js';
import type { ProxyDeps } from '../call.js';
import { identify, isRefusal } from '../stages/identify.js';
import { createRecorder } from '../stages/record.js';
import { unreachableMessage } from '../upstream-request.js';
import { rejectUpgrade } from './reject.js';
import { createResponseCalls, type ClientVerdict } from './response-calls.js';
import { openUpstreamSocket } from './upstream-socket.js';

/** Upgrade-response headers Codex reads (turn state, model list etag…): passed from the upstream's handshake. */
const PASSED_HEADERS = ['x-codex-turn-state', 'x-models-etag', 'x-reasoning-included', 'openai-model', 'x-request-id'];
/** The most of an upstream's refusal body passed on: it is an error message, never a stream. */
const MAX_REFUSAL_BODY = 64 * 1024;
/** How much of the upstream's answer may wait for a slow client before the upstream is paused. */
const SLOW_CLIENT_BYTES = 1024 * 1024;

/** Close codes a peer may send (RFC 6455 §7.4); others (1005, 1006: "none", "abnormal") are closed without one. */
function sendableCode(code: number): number | undefined {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999) ? code : undefined;
}

function closeWith(ws: WebSocket, code: number, reason: Buffer): void {
  if (ws.readyState === WebSocket.CLOSED || ws.readyState === WebSocket.CLOSING) return;
  const c = sendableCode(code);
  if (ws.readyState !== WebSocket.OPEN) return void ws.terminate();
  if (c === undefined) ws.close();
  else ws.close(c, reason.length <= 123 ? reason : undefined);
}

/**
 * The Responses API's WebSocket transport (Codex's first choice): the upgrade is checked like a request (key,
 * pause), the upstream socket opened first so its refusal reaches the client as it was, then frames pass both
 * ways as they arrive while each `response.create` is admitted and each response metered (response-calls.ts).
 */
export function createWebSocketProxy(deps: ProxyDeps) {
  const recorder = createRecorder(deps);
  const extraHeaders = new WeakMap<IncomingMessage, string[]>();
  // Codex offers permessage-deflate; one server object handles every handshake.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: true });
  wss.on('headers', (headers, req) => headers.push(...(extraHeaders.get(req) ?? [])));

  function handle(req: IncomingMessage, socket: Duplex, head: Buffer, route: ProviderRoute, rest: string, rawQuery: string): void {
    socket.on('error', () => socket.destroy());
    const { provider } = route;
    const reject = (status: number, kind: Parameters<typeof provider.errorBody>[1], message: string) => rejectUpgrade(socket, status, provider.errorBody(status, kind, message), { 'x-should-retry': 'false' });
    const op = provider.operation('POST', rest);
    if (!op || op.name !== 'responses' || req.method !== 'GET') {
      return reject(404, 'not_found', `Tollgate proxies WebSockets only on the Responses API (${route.prefix}/v1/responses).`);
    }
    const query = new URLSearchParams(rawQuery);
    const ident = identify(deps, route, req.headers, query, deps.clock.now());
    if (isRefusal(ident)) return reject(ident.status, ident.kind, ident.message);
    if (deps.settings().paused) {
      const form = blockForm(req.headers, 402, provider);
      return rejectUpgrade(socket, form.status, form.provider.errorBody(form.status, 'paused', PAUSED_MESSAGE), { 'x-should-retry': 'false', 'x-tollgate-blocked': 'paused' });
    }
    openUpstreamSocket(
      { route, path: rest, query, rawQuery, incoming: req.headers, secret: ident.secret },
      (upstream) => {
        let accepted = false;
        const abandon = () => {
          if (!accepted) upstream.terminate();
        };
        socket.once('close', abandon);
        upstream.on('upgrade', (res) => {
          const passed: string[] = [];
          for (const h of PASSED_HEADERS) {
            const v = res.headers[h];
            if (typeof v === 'string') passed.push(`${h}: ${v.replace(/[\r\n]/g, ' ')}`);
          }
          extraHeaders.set(req, passed);
        });
        upstream.on('unexpected-response', (_r, res) => {
          // The upstream refused the upgrade (a 404 lets Codex fall back to HTTPS): the client gets that answer.
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < MAX_REFUSAL_BODY) chunks.push(c);
            size += c.length;
          });
          res.on('end', () => rejectUpgrade(socket, res.statusCode ?? 502, Buffer.concat(chunks).subarray(0, MAX_REFUSAL_BODY).toString('utf8')));
          res.on('error', () => socket.destroy());
        });
        upstream.on('error', (err) => {
          if (accepted) return; // the close handler ends the client's side
          deps.log.warn('upstream WebSocket failed', { error: err.message });
          reject(502, 'upstream_unreachable', unreachableMessage(provider.name, provider.baseUrl, err));
        });
        upstream.on('open', () => {
          if (!socket.writable) return upstream.terminate();
          socket.off('close', abandon);
          accepted = true;
          wss.handleUpgrade(req, socket, head, (client) => {
            extraHeaders.delete(req);
            relay(client, upstream, createResponseCalls(deps, recorder, { req, route, rest, query, rawQuery, ident }, op));
          });
        });
      },
      (err) => reject(500, 'internal', `Tollgate could not authorize the request for ${provider.name}: ${err.message}`),
    );
  }

  function relay(client: WebSocket, upstream: WebSocket, calls: ReturnType<typeof createResponseCalls>): void {
    const deliver = (verdict: ClientVerdict) => {
      if ('reply' in verdict) client.send(verdict.reply);
      else upstream.send(verdict.send);
    };
    const onFrame = (data: RawData, isBinary: boolean): Promise<void> | void => {
      if (isBinary) return upstream.send(data, { binary: true });
      const verdict = calls.fromClient(data.toString());
      if (verdict instanceof Promise) return verdict.then(deliver);
      deliver(verdict);
    };
    // A call under a shared budget (team mode) waits for its reservation; frames after it wait their turn, so
    // the upstream sees them in the order the client sent them.
    let queue: Promise<void> | null = null;
    let queued = 0;
    client.on('message', (data: RawData, isBinary) => {
      const run = () => onFrame(data, isBinary);
      const next = queue ? queue.then(run) : run();
      if (!next) return;
      queued++;
      queue = next
        .catch(() => client.close(1011, 'Tollgate failed to process a frame'))
        .finally(() => {
          if (--queued === 0) queue = null;
        });
    });
    upstream.on('message', (data: RawData, isBinary) => {
      if (client.readyState !== WebSocket.OPEN) return;
      // Metered first: a response's terminal event is recorded (and in the history) before it reaches the client.
      const cut = isBinary ? null : calls.fromUpstream(data.toString());
      client.send(data, { binary: isBinary }, () => {
        if (upstream.isPaused && client.bufferedAmount < SLOW_CLIENT_BYTES) upstream.resume();
      });
      // A client slower than the upstream: stop reading the upstream rather than buffer its answer in memory.
      if (client.bufferedAmount >= SLOW_CLIENT_BYTES) upstream.pause();
      if (cut) {
        // The budget's hard stop came mid-response: the client gets the error event, the upstream stops.
        client.send(cut);
        calls.closed('cut off at the hard stop');
        upstream.terminate();
      }
    });
    // Keep-alives reach the other side too, so neither end's idle timer closes a socket the other still uses.
    client.on('ping', (d) => upstream.readyState === WebSocket.OPEN && upstream.ping(d));
    upstream.on('ping', (d) => client.readyState === WebSocket.OPEN && client.ping(d));
    client.on('close', (code, reason) => {
      calls.closed('the client closed the WebSocket mid-response');
      closeWith(upstream, code, reason);
    });
    upstream.on('close', (code, reason) => {
      calls.closed('the upstream closed the WebSocket mid-response');
      closeWith(client, code, reason);
    });
    client.on('error', () => client.terminate());
    upstream.on('error', () => upstream.terminate());
  }

  /** Upgraded sockets leave the HTTP server's reach: closing the server would otherwise wait for each one. */
  function close(): void {
    for (const c of wss.clients) c.terminate();
    wss.close();
  }

  return { handle, close };
}
