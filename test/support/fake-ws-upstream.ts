/**
 * A fake of the Responses API's WebSocket transport on loopback (the frames Codex speaks): the client sends one
 * `response.create` text frame per request, the server answers with one JSON text frame per event, the same
 * objects as the SSE stream's `data:` lines, ending at `response.completed`.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface WsScenario {
  /** Refuse the upgrade with this status and body. */
  rejectStatus?: number;
  rejectBody?: string;
  /** The generated text, split into `chunks` deltas. */
  text?: string;
  chunks?: number;
  /** Raw Responses usage, replacing the default. */
  usage?: Record<string, unknown>;
  /** Answer each request with an in-band error event of this status instead. */
  errorStatus?: number;
  /** Close the socket after this many deltas, before the terminal event. */
  breakAfterChunks?: number;
  /** The terminal event's type. */
  terminal?: 'response.completed' | 'response.incomplete' | 'response.failed';
  /** Upgrade-response headers. */
  headers?: Record<string, string>;
}

export interface FakeWsUpstream {
  url: string;
  /** Every upgrade request that reached the fake, accepted or not. */
  upgrades: { path: string; headers: IncomingHttpHeaders }[];
  /** Every text frame a client sent, parsed. */
  frames: Record<string, unknown>[];
  /** Pings received from clients. */
  pings: number;
  /** Every event frame the fake sent, in order. */
  sent: Record<string, unknown>[];
  setScenario(s: WsScenario): void;
  close(): Promise<void>;
}

export const WS_DEFAULT_USAGE = { input_tokens: 3207, input_tokens_details: { cached_tokens: 3000 }, output_tokens: 120, output_tokens_details: { reasoning_tokens: 64 }, total_tokens: 3327 };

/**
 * Listens on a port of its own, or, given `attachTo`, answers the upgrades of an HTTP server that is already
 * listening (the fake HTTP upstream), so that one base URL serves both of Codex's transports.
 */
export async function startFakeWsUpstream(attachTo?: http.Server): Promise<FakeWsUpstream> {
  let scenario: WsScenario = {};
  const upgrades: FakeWsUpstream['upgrades'] = [];
  let pings = 0;
  const frames: Record<string, unknown>[] = [];
  const sent: Record<string, unknown>[] = [];
  const server = attachTo ?? http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: true });
  wss.on('headers', (headers) => {
    for (const [k, v] of Object.entries(scenario.headers ?? {})) headers.push(`${k}: ${v}`);
  });
  server.on('upgrade', (req, socket, head) => {
    upgrades.push({ path: req.url ?? '', headers: req.headers });
    if (scenario.rejectStatus) {
      const body = scenario.rejectBody ?? '';
      socket.end(`HTTP/1.1 ${scenario.rejectStatus} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('ping', () => pings++);
      ws.on('message', (data) => answer(ws, JSON.parse(data.toString()) as Record<string, unknown>));
    });
  });

  let seq = 0;
  function answer(ws: WebSocket, frame: Record<string, unknown>) {
    frames.push(frame);
    if (frame.type !== 'response.create') return;
    const send = (ev: Record<string, unknown>) => {
      sent.push(ev);
      ws.send(JSON.stringify(ev));
    };
    const s = scenario;
    if (s.errorStatus) return send({ type: 'error', status: s.errorStatus, error: { type: 'server_error', message: 'fake upstream error' } });
    const id = `resp_${++seq}`;
    const model = String(frame.model ?? 'gpt-5');
    const prewarm = frame.generate === false;
    const base = { id, object: 'response', model, status: 'in_progress', output: [] as unknown[] };
    send({ type: 'response.created', response: base });
    const text = prewarm ? '' : (s.text ?? 'Hello over the WebSocket!');
    const n = Math.max(1, s.chunks ?? 3);
    const size = Math.ceil(text.length / n) || 1;
    const item = { id: `msg_${seq}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
    if (!prewarm) {
      send({ type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
      let k = 0;
      for (let i = 0; i < text.length; i += size) {
        // Break once what was sent has left, so the client sees those deltas and then the broken connection.
        if (s.breakAfterChunks !== undefined && k === s.breakAfterChunks) return void setTimeout(() => ws.terminate(), 100);
        send({ type: 'response.output_text.delta', item_id: item.id, output_index: 0, content_index: 0, delta: text.slice(i, i + size) });
        k++;
      }
      send({ type: 'response.output_item.done', output_index: 0, item });
    }
    const usage = prewarm ? { input_tokens: 0, output_tokens: 0 } : (s.usage ?? WS_DEFAULT_USAGE);
    const terminal = s.terminal ?? 'response.completed';
    send({ type: terminal, response: { ...base, status: terminal === 'response.completed' ? 'completed' : 'incomplete', output: prewarm ? [] : [item], usage } });
  }

  if (!attachTo) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    upgrades,
    get pings() {
      return pings;
    },
    frames,
    sent,
    setScenario: (s) => {
      scenario = s;
    },
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        if (attachTo) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
