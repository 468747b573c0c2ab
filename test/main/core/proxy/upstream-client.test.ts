import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sendUpstream, UnsendableRequestError, UpstreamTimeoutError, type UpstreamAnswer, type UpstreamCall } from '../../../../src/main/core/proxy/upstream-client.js';

/** A real loopback server whose handler each test sets; it counts requests and connections. */
let handler: http.RequestListener = (_req, res) => res.end();
let requests = 0;
let connections = 0;
const server = http.createServer((req, res) => {
  requests++;
  handler(req, res);
});
server.on('connection', () => connections++);
let origin = '';
let dispatcher: Agent;

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
afterEach(async () => {
  await dispatcher?.destroy();
  dispatcher = new Agent();
  requests = 0;
  connections = 0;
});
dispatcher = new Agent();

interface Outcome {
  answer: UpstreamAnswer | null;
  error: Error | null;
  chunks: Buffer[];
  ended: boolean;
  closed: Promise<void>;
  call: UpstreamCall;
}

/** Sends a request and collects what the events say. */
function send(opts: { path?: string; method?: string; headers?: Record<string, string>; body?: Buffer | Readable | null; idleMs?: number; opened?: (c: UpstreamCall) => boolean; onData?: (o: Outcome, c: Buffer) => void }): Outcome {
  let closedResolve!: () => void;
  const o: Outcome = { answer: null, error: null, chunks: [], ended: false, closed: new Promise((r) => (closedResolve = r)), call: null as never };
  o.call = sendUpstream(
    dispatcher,
    { origin, method: opts.method ?? 'POST', path: opts.path ?? '/', headers: { host: 'example.test', ...opts.headers }, body: opts.body ?? null, idleMs: opts.idleMs ?? 5000 },
    {
      opened: opts.opened ?? (() => true),
      response(a) {
        o.answer = a;
        a.on('data', (c) => {
          o.chunks.push(c);
          opts.onData?.(o, c);
        });
        a.on('end', () => (o.ended = true));
        a.on('close', closedResolve);
      },
      error(err) {
        o.error = err;
        closedResolve();
      },
    },
  );
  return o;
}

describe('the upstream client (undici dispatch)', () => {
  it('reads status, headers as Node gives them, each chunk in order, then end and close', async () => {
    handler = (req, res) => {
      res.setHeader('x-dup', ['a', 'b']);
      res.setHeader('set-cookie', ['c=1', 'd=2']);
      res.writeHead(201, { 'content-type': 'text/plain', 'X-Host-Seen': req.headers.host ?? '' });
      res.write('one,');
      setTimeout(() => res.end('two'), 20);
    };
    const o = send({ body: Buffer.from('{}') });
    await o.closed;
    expect(o.error).toBeNull();
    expect(o.answer!.statusCode).toBe(201);
    expect(o.answer!.headers['x-dup']).toBe('a, b');
    expect(o.answer!.headers['set-cookie']).toEqual(['c=1', 'd=2']);
    expect(o.answer!.headers['x-host-seen']).toBe('example.test');
    expect(Buffer.concat(o.chunks).toString()).toBe('one,two');
    expect(o.chunks.length).toBeGreaterThanOrEqual(2);
    expect(o.ended).toBe(true);
    expect(o.answer!.complete).toBe(true);
  });

  it('keeps connections alive across calls', async () => {
    handler = (_req, res) => res.end('ok');
    // The next call can leave before the pool has its socket back from the last one: at most a second is opened.
    for (let i = 0; i < 20; i++) await send({ body: Buffer.from('x') }).closed;
    expect(requests).toBe(20);
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('streams a body it was given as a stream, whole, in order', async () => {
    let got = '';
    handler = (req, res) => {
      req.on('data', (c: Buffer) => (got += c.toString()));
      req.on('end', () => res.end(String(req.headers['transfer-encoding'])));
    };
    const parts = ['alpha,', 'beta,', 'gamma'];
    const o = send({ body: Readable.from(parts.map((p) => Buffer.from(p))) });
    await o.closed;
    expect(got).toBe('alpha,beta,gamma');
    expect(Buffer.concat(o.chunks).toString()).toBe('chunked');
  });

  it('pause() stops the reading until resume(): nothing arrives meanwhile, then the rest does', async () => {
    const chunk = Buffer.alloc(64 * 1024, 120);
    const total = 64; // 4 MB: far past what the socket buffers hold
    handler = (_req, res) => {
      let n = 0;
      const pump = () => {
        while (n < total) {
          n++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    };
    let paused = false;
    const o = send({
      body: Buffer.from('x'),
      onData: (out) => {
        if (!paused) {
          paused = true;
          out.answer!.pause();
        }
      },
    });
    await new Promise((r) => setTimeout(r, 250));
    const whilePaused = o.chunks.reduce((s, c) => s + c.length, 0);
    await new Promise((r) => setTimeout(r, 150));
    expect(o.chunks.reduce((s, c) => s + c.length, 0)).toBe(whilePaused);
    expect(whilePaused).toBeLessThan(total * chunk.length);
    expect(o.ended).toBe(false);
    o.answer!.resume();
    await o.closed;
    expect(o.ended).toBe(true);
    expect(o.chunks.reduce((s, c) => s + c.length, 0)).toBe(total * chunk.length);
  });

  it('destroy() mid-answer ends it as broken, on a later tick, and the server sees the connection go', async () => {
    let serverSawClose: () => void;
    const serverClosed = new Promise<void>((r) => (serverSawClose = r));
    handler = (_req, res) => {
      res.write('first');
      res.on('close', () => serverSawClose());
    };
    let closedSync = false;
    const o = send({
      body: Buffer.from('x'),
      onData: (out) => {
        let closedNow = false;
        out.answer!.on('close', () => (closedNow = true));
        out.call.destroy();
        closedSync = closedNow;
      },
    });
    await o.closed;
    await serverClosed;
    expect(closedSync).toBe(false);
    expect(o.ended).toBe(false);
    expect(o.answer!.complete).toBe(false);
  });

  it('opened() answering false sends nothing and reports nothing', async () => {
    handler = (_req, res) => res.end('should not be asked');
    let reported = false;
    sendUpstream(
      dispatcher,
      { origin, method: 'POST', path: '/', headers: {}, body: Buffer.from('x'), idleMs: 1000 },
      { opened: () => false, response: () => (reported = true), error: () => (reported = true) },
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(requests).toBe(0);
    expect(reported).toBe(false);
  });

  it('silence past the idle limit is an UpstreamTimeoutError', async () => {
    handler = () => {}; // never answers
    const o = send({ body: Buffer.from('x'), idleMs: 200 });
    const t0 = performance.now();
    await o.closed;
    expect(o.error).toBeInstanceOf(UpstreamTimeoutError);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
  });

  it('a refused connection reports its errno code', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    let err: Error | null = null;
    await new Promise<void>((resolve) =>
      sendUpstream(
        dispatcher,
        { origin: `http://127.0.0.1:${port}`, method: 'POST', path: '/', headers: {}, body: Buffer.from('x'), idleMs: 1000 },
        { opened: () => true, response: () => resolve(), error: (e) => ((err = e), resolve()) },
      ),
    );
    expect((err as NodeJS.ErrnoException | null)?.code).toBe('ECONNREFUSED');
  });

  it('a header HTTP cannot carry is refused as unsendable, and nothing reaches the server', async () => {
    handler = (_req, res) => res.end();
    const o = send({ body: Buffer.from('x'), headers: { 'x-signature': 'abc\r\nx-injected: 1' } });
    await o.closed;
    expect(o.error).toBeInstanceOf(UnsendableRequestError);
    expect(requests).toBe(0);
  });
});
