/**
 * A fake of the providers' APIs on loopback, speaking their documented formats (each provider's public API reference):
 * OpenAI chat completions, Responses, embeddings and legacy completions; Anthropic messages; Gemini
 * generateContent, streamGenerateContent (SSE and JSON array) and embedContent.
 *
 * What it answers is steered per request by an `x-fake` header holding a JSON Scenario (the proxy forwards
 * it untouched), or by a default scenario set on the server. Every request it receives is kept for assertions.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Scenario {
  /** Answer with this status and `errorBody` instead of a completion. */
  status?: number;
  errorBody?: unknown;
  headers?: Record<string, string>;
  /** The generated text, split into `chunks` stream deltas. */
  text?: string;
  /** Repeat `text` this many times (long outputs without a long x-fake header). */
  repeat?: number;
  chunks?: number;
  chunkDelayMs?: number;
  /** Raw usage in the provider's own format, replacing the default. */
  usage?: Record<string, unknown>;
  /** Streams: end without the usage event. */
  omitUsage?: boolean;
  /** Streams: destroy the socket after this many text chunks. */
  breakAfterChunks?: number;
  /** Streams: stop sending (but keep the socket open) after this many text chunks. */
  stallAfterChunks?: number;
  /** Delay before the response headers. */
  delayMs?: number;
  /** Reported model. */
  model?: string;
  /** Answer non-JSON garbage with status 200. */
  malformed?: boolean;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  rawBody: Buffer;
  /** Streams: how many text deltas were written before the stream ended or the client went away (ground truth for
   * what a provider would bill for a stream cut short). */
  sentDeltas: number;
}

export interface FakeUpstream {
  url: string;
  port: number;
  received: ReceivedRequest[];
  setDefault(s: Scenario): void;
  close(): Promise<void>;
  server: http.Server | https.Server;
}

export const DEFAULT_TEXT = 'Hello from the fake upstream!';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The record of the request each response answers, for counting what a stream wrote. */
const requestOf = new WeakMap<ServerResponse, ReceivedRequest>();

function splitText(text: string, n: number): string[] {
  if (n <= 1) return [text];
  const size = Math.ceil(text.length / n);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Writes stream frames with optional delays, breaks and stalls. */
async function streamFrames(res: ServerResponse, head: string[], deltas: string[], tail: string[], s: Scenario) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...(s.headers ?? {}) });
  for (const f of head) res.write(f);
  for (let i = 0; i < deltas.length; i++) {
    if (s.breakAfterChunks !== undefined && i >= s.breakAfterChunks) {
      // Let what was written reach the wire first, then reset the connection mid-stream.
      await sleep(20);
      res.socket?.destroy();
      return;
    }
    if (s.stallAfterChunks !== undefined && i >= s.stallAfterChunks) return; // never ends
    if (s.chunkDelayMs) await sleep(s.chunkDelayMs);
    if (res.destroyed) return;
    res.write(deltas[i]);
    const rec = requestOf.get(res);
    if (rec) rec.sentDeltas++;
  }
  for (const f of tail) res.write(f);
  res.end();
}

// ---- OpenAI ----------------------------------------------------------------------------------------------

const OPENAI_CHAT_USAGE = {
  prompt_tokens: 1200,
  completion_tokens: 80,
  total_tokens: 1280,
  prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

async function openaiChat(res: ServerResponse, body: Record<string, unknown>, s: Scenario, legacy: boolean) {
  const model = s.model ?? (body.model as string);
  const usage = s.usage ?? OPENAI_CHAT_USAGE;
  const text = s.text ?? DEFAULT_TEXT;
  const object = legacy ? 'text_completion' : 'chat.completion';
  if (body.stream !== true) {
    const choice = legacy
      ? { index: 0, text, finish_reason: 'stop', logprobs: null }
      : { index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null };
    return json(res, 200, { id: 'chatcmpl-fake', object, created: 1, model, choices: [choice], usage }, s.headers);
  }
  const withUsage = (body.stream_options as Record<string, unknown> | undefined)?.include_usage === true;
  const extra = withUsage ? ',"usage":null' : '';
  const chunkObj = legacy ? 'text_completion' : 'chat.completion.chunk';
  const delta = (t: string) =>
    legacy
      ? `data: {"id":"cmpl-fake","object":"${chunkObj}","created":1,"model":${JSON.stringify(model)},"choices":[{"index":0,"text":${JSON.stringify(t)},"finish_reason":null}]${extra}}\n\n`
      : `data: {"id":"chatcmpl-fake","object":"${chunkObj}","created":1,"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":{"content":${JSON.stringify(t)}},"finish_reason":null}]${extra}}\n\n`;
  const deltas = splitText(text, s.chunks ?? 3).map(delta);
  const stop = legacy
    ? `data: {"id":"cmpl-fake","object":"${chunkObj}","created":1,"model":${JSON.stringify(model)},"choices":[{"index":0,"text":"","finish_reason":"stop"}]${extra}}\n\n`
    : `data: {"id":"chatcmpl-fake","object":"${chunkObj}","created":1,"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]${extra}}\n\n`;
  const tail = [stop];
  if (withUsage && !s.omitUsage) {
    tail.push(`data: {"id":"chatcmpl-fake","object":"${chunkObj}","created":1,"model":${JSON.stringify(model)},"choices":[],"usage":${JSON.stringify(usage)}}\n\n`);
  }
  tail.push('data: [DONE]\n\n');
  const head = legacy ? [] : [`data: {"id":"chatcmpl-fake","object":"${chunkObj}","created":1,"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]${extra}}\n\n`];
  await streamFrames(res, head, deltas, tail, s);
}

const RESPONSES_USAGE = {
  input_tokens: 3207,
  input_tokens_details: { cached_tokens: 3000, cache_write_tokens: 0 },
  output_tokens: 120,
  output_tokens_details: { reasoning_tokens: 64 },
  total_tokens: 3327,
};

async function openaiResponses(res: ServerResponse, body: Record<string, unknown>, s: Scenario) {
  const model = s.model ?? (body.model as string);
  const usage = s.usage ?? RESPONSES_USAGE;
  const text = s.text ?? DEFAULT_TEXT;
  const response = {
    id: 'resp_fake',
    object: 'response',
    created_at: 1,
    status: 'completed',
    model,
    output: [{ type: 'message', id: 'msg_fake', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] }],
    usage,
  };
  if (body.stream !== true) return json(res, 200, response, s.headers);
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data, sequence_number: seq++ })}\n\n`;
  // The item events frame the deltas as the API sends them; Codex shows only text whose item was added and done.
  const item = response.output[0]!;
  const head = [
    ev('response.created', { response: { ...response, status: 'in_progress', output: [], usage: null } }),
    ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } }),
  ];
  const deltas = splitText(text, s.chunks ?? 3).map((d) => ev('response.output_text.delta', { item_id: 'msg_fake', output_index: 0, content_index: 0, delta: d }));
  const tail = [ev('response.output_item.done', { output_index: 0, item })];
  if (!s.omitUsage) tail.push(ev('response.completed', { response }));
  await streamFrames(res, head, deltas, tail, s);
}

// ---- Anthropic -------------------------------------------------------------------------------------------

const ANTHROPIC_USAGE = {
  input_tokens: 4,
  cache_creation_input_tokens: 12145,
  cache_read_input_tokens: 7276,
  cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 12145 },
  output_tokens: 215,
  service_tier: 'standard',
};

async function anthropicMessages(res: ServerResponse, body: Record<string, unknown>, s: Scenario) {
  const model = s.model ?? (body.model as string);
  const usage = s.usage ?? ANTHROPIC_USAGE;
  const text = s.text ?? DEFAULT_TEXT;
  if (body.stream !== true) {
    return json(
      res,
      200,
      { id: 'msg_fake', type: 'message', role: 'assistant', model, content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage },
      s.headers,
    );
  }
  const ev = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const { output_tokens, ...startUsage } = usage as Record<string, unknown>;
  const head = [
    ev('message_start', { message: { id: 'msg_fake', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...startUsage, output_tokens: 1 } } }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ev('ping', {}),
  ];
  const deltas = splitText(text, s.chunks ?? 3).map((t) => ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: t } }));
  const tail = [ev('content_block_stop', { index: 0 })];
  if (!s.omitUsage) tail.push(ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens } }));
  tail.push(ev('message_stop', {}));
  await streamFrames(res, head, deltas, tail, s);
}

// ---- Gemini ----------------------------------------------------------------------------------------------

const GEMINI_USAGE = { promptTokenCount: 9, candidatesTokenCount: 5, cachedContentTokenCount: 0, thoughtsTokenCount: 21, totalTokenCount: 35 };

async function gemini(res: ServerResponse, model: string, method: string, query: URLSearchParams, body: Record<string, unknown>, s: Scenario) {
  const usage = (s.usage ?? GEMINI_USAGE) as Record<string, number>;
  const text = s.text ?? DEFAULT_TEXT;
  const version = s.model ?? model;
  if (method === 'embedContent') return json(res, 200, { embedding: { values: [0.1, 0.2, 0.3] } }, s.headers);
  if (method === 'countTokens') return json(res, 200, { totalTokens: 9 });
  const chunk = (t: string, finish: boolean, u: Record<string, number>) => ({
    candidates: [{ content: { parts: [{ text: t }], role: 'model' }, ...(finish ? { finishReason: 'STOP' } : {}), index: 0 }],
    usageMetadata: u,
    modelVersion: version,
    responseId: 'fake',
  });
  if (method === 'generateContent') return json(res, 200, chunk(text, true, usage), s.headers);
  const parts = splitText(text, s.chunks ?? 3);
  // Running totals: prompt counts from the start, output counts grow, the last chunk carries the final ones.
  const running = (i: number) =>
    i === parts.length - 1 && !s.omitUsage ? usage : { promptTokenCount: usage.promptTokenCount ?? 0, totalTokenCount: usage.promptTokenCount ?? 0 };
  if (query.get('alt') === 'sse') {
    const frames = parts.map((p, i) => `data: ${JSON.stringify(chunk(p, i === parts.length - 1, running(i)))}\r\n\r\n`);
    return streamFrames(res, [], frames, [], s);
  }
  // Without alt=sse: one JSON array, streamed element by element.
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('[');
  for (let i = 0; i < parts.length; i++) {
    if (s.chunkDelayMs) await sleep(s.chunkDelayMs);
    res.write((i ? ',\r\n' : '') + JSON.stringify(chunk(parts[i]!, i === parts.length - 1, running(i))));
  }
  res.end(']');
}

// ---- server ----------------------------------------------------------------------------------------------

/** `tls`: serve HTTPS with this key and certificate (the real providers' scheme) instead of plain HTTP. */
export async function startFakeUpstream(defaults: Scenario = {}, opts: { tls?: { key: string; cert: string } } = {}): Promise<FakeUpstream> {
  let def = defaults;
  const received: ReceivedRequest[] = [];
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readAll(req);
    let body: unknown = null;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : null;
    } catch {
      body = raw.toString('utf8');
    }
    const rec: ReceivedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, rawBody: raw, sentDeltas: 0 };
    received.push(rec);
    requestOf.set(res, rec);
    const header = req.headers['x-fake'];
    const s: Scenario = { ...def, ...(typeof header === 'string' ? (JSON.parse(header) as Scenario) : {}) };
    if (s.repeat && s.text) s.text = s.text.repeat(s.repeat);
    if (s.delayMs) await sleep(s.delayMs);
    if (s.status && s.status >= 400) {
      return json(res, s.status, s.errorBody ?? { error: { message: 'fake upstream error', type: 'server_error' } }, s.headers);
    }
    if (s.malformed) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"id": "broken", "usage": {');
    }
    const b = (body ?? {}) as Record<string, unknown>;
    const p = url.pathname;
    try {
      if (p === '/v1/chat/completions' || p.endsWith('/chat/completions')) return await openaiChat(res, b, s, false);
      if (p === '/v1/completions' || p.endsWith('/completions')) return await openaiChat(res, b, s, true);
      if (p === '/v1/responses') return await openaiResponses(res, b, s);
      if (p === '/v1/embeddings' || p.endsWith('/embeddings')) {
        return json(res, 200, { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }], model: b.model, usage: s.usage ?? { prompt_tokens: 8, total_tokens: 8 } });
      }
      if (p === '/v1/messages') return await anthropicMessages(res, b, s);
      if (p === '/v1/messages/count_tokens') return json(res, 200, { input_tokens: 42 });
      if (p === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model' }] });
      const g = /^\/v1beta\/models\/([^/:]+):([A-Za-z]+)$/.exec(p);
      if (g) return await gemini(res, decodeURIComponent(g[1]!), g[2]!, url.searchParams, b, s);
      json(res, 404, { error: { message: `fake upstream: no route ${p}` } });
    } catch (err) {
      if (!res.headersSent) json(res, 500, { error: { message: String(err) } });
      else res.destroy();
    }
  };
  const server = opts.tls ? https.createServer(opts.tls, handler) : http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    received,
    server,
    setDefault(s) {
      def = s;
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
