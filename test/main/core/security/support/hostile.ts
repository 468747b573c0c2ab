/**
 * Helpers for the hostile-input suite: raw requests (paths and header bytes exactly as given) and an upstream
 * that speaks OpenAI's chat stream in every framing the SSE specification allows, and in some it does not.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): { error?: { message?: string; type?: string } } & Record<string, unknown>;
}

/** A request with the path and header values sent byte for byte (fetch would normalise the path). */
export function rawRequest(base: string, path: string, body: string, headers: Record<string, string>): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: hostname, port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) as never });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A request written byte for byte on a socket: header values go out as the UTF-8 bytes of the strings given
 * (Node's HTTP client would re-encode them). Answers are read whole (the connection is closed after).
 */
export function rawBytesRequest(base: string, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(base);
  const head = [`POST ${path} HTTP/1.1`, `host: ${hostname}:${port}`, 'connection: close', 'content-type: application/json', `content-length: ${Buffer.byteLength(body)}`]
    .concat(Object.entries(headers).map(([k, v]) => `${k}: ${v}`))
    .join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0);
      resolve({ status, text: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    // Not end(): a half-closed client looks gone to the server before its answer is ready.
    socket.write(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'utf8'), Buffer.from(body, 'utf8')]));
  });
}

export interface SseVariant {
  /** What ends each frame: "\n\n" is the usual; the specification allows any mix of CRLF, LF and CR. */
  eol: string | string[];
  /** The last frame arrives without its blank line: the [DONE] frame, or (with no [DONE]) the last chunk. */
  lastUnterminated?: 'done' | 'usage';
  contentType?: string;
  /** Write each frame in two pieces, cut just after its first CR: a line ending split across chunks. */
  splitAtCR?: boolean;
}

export const SSE_VARIANTS: Record<string, SseVariant> = {
  lf: { eol: '\n\n' },
  crlf: { eol: '\r\n\r\n' },
  cr: { eol: '\r\r' },
  'lf-then-crlf': { eol: '\n\r\n' },
  mixed: { eol: ['\n\n', '\r\r', '\r\n\r\n', '\n\r\n', '\r\n\n'] },
  'crlf-split': { eol: '\r\n\r\n', splitAtCR: true },
  'cr-split': { eol: '\r\r', splitAtCR: true },
  'unterminated-done': { eol: '\n\n', lastUnterminated: 'done' },
  'unterminated-last-chunk': { eol: '\n\n', lastUnterminated: 'usage' },
  'sse-as-json': { eol: '\n\n', contentType: 'application/json' },
};

export const VARIANT_TEXT = 'Hello, variant world!';
export const VARIANT_USAGE = { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 };
const PIECES = ['Hello', ', variant', ' world!'];

function chunks(withUsage: boolean): Record<string, unknown>[] {
  const base = { id: 'chatcmpl-v', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini' };
  const extra = withUsage ? { usage: null } : {};
  const out: Record<string, unknown>[] = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], ...extra },
    ...PIECES.map((t) => ({ ...base, choices: [{ index: 0, delta: { content: t }, finish_reason: null }], ...extra })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], ...extra },
  ];
  if (withUsage) out.push({ ...base, choices: [], usage: VARIANT_USAGE });
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSseVariantUpstream() {
  const flood = { total: 64 * 1024 * 1024, written: 0, blocked: false };
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      void answer(req, res, JSON.parse(Buffer.concat(body).toString('utf8') || '{}') as Record<string, unknown>).catch(() => res.destroy());
    });
  });

  async function answer(req: http.IncomingMessage, res: http.ServerResponse, b: Record<string, unknown>) {
    const variant = String(req.headers['x-variant'] ?? 'lf');
    if (b.stream !== true) {
      const text = JSON.stringify({
        id: 'chatcmpl-v',
        object: 'chat.completion',
        created: 1,
        model: b.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok', refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 1200, completion_tokens: 80, total_tokens: 1280 },
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      return res.end(text);
    }
    const withUsage = (b.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    if (variant === 'flood') return floodStream(res);
    if (variant === 'late') await sleep(1000);
    if (res.destroyed) return;
    const v = SSE_VARIANTS[variant] ?? SSE_VARIANTS.lf!;
    res.writeHead(200, { 'content-type': v.contentType ?? 'text/event-stream' });
    const frames = chunks(withUsage).map((c) => `data: ${JSON.stringify(c)}`);
    if (v.lastUnterminated !== 'usage') frames.push('data: [DONE]');
    const eols = Array.isArray(v.eol) ? v.eol : [v.eol];
    for (let i = 0; i < frames.length; i++) {
      const last = i === frames.length - 1;
      const text = frames[i]! + (last && v.lastUnterminated ? '' : eols[i % eols.length]!);
      const cr = text.indexOf('\r');
      if (v.splitAtCR && cr !== -1) {
        res.write(text.slice(0, cr + 1));
        await sleep(5);
        res.write(text.slice(cr + 1));
      } else res.write(text);
      if (variant === 'slow') await sleep(100);
      if (res.destroyed) return;
    }
    res.end();
  }

  async function floodStream(res: http.ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const frame = `data: ${JSON.stringify({ id: 'chatcmpl-f', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'x'.repeat(64 * 1024) }, finish_reason: null }] })}\n\n`;
    flood.written = 0;
    flood.blocked = false;
    while (flood.written < flood.total) {
      if (res.destroyed) return;
      flood.written += frame.length;
      if (!res.write(frame)) {
        flood.blocked = true;
        await new Promise((r) => res.once('drain', r));
      }
    }
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    flood,
    expectedChunks: (withUsage: boolean) => chunks(withUsage),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
