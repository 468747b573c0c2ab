import http from 'node:http';
import net from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, type Tollgate } from '../../../support/harness.js';
import { recordFigures } from '../../../hardening/support/figures.js';

const figures = recordFigures('security-gate');

let fake: FakeUpstream;
let tg: Tollgate;
let port: number;

beforeAll(async () => {
  fake = await startFakeUpstream();
  tg = await startTollgate({ upstream: fake.url, core: { headersTimeoutMs: 1000, bodyIdleTimeoutMs: 700 } });
  port = Number(new URL(tg.url).port);
});
afterAll(async () => {
  await tg.stop();
  await fake.close();
  figures.save();
});

/** A raw request with exactly the headers given (fetch would not let us set Host or Origin). */
function raw(path: string, headers: Record<string, string>, body = '{"model":"gpt-4o-mini","messages":[]}', method = 'POST'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers }, setHost: !('host' in headers) }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('a local proxy nobody else can use', () => {
  it('refuses DNS rebinding: a Host that is not the loopback name and port Tollgate serves', async () => {
    const n = fake.received.length;
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`, `localhost.evil.example:${port}`]) {
      const r = await raw('/openai/v1/chat/completions', { host, authorization: 'Bearer sk-x' });
      expect(r.status, host).toBe(403);
      expect(JSON.parse(r.body).error.message).toMatch(/is not this Tollgate/);
      const a = await raw('/api/status.get', { host, authorization: `Bearer ${tg.core.adminToken}` }, '');
      expect(a.status).toBe(403);
      expect(JSON.parse(a.body).ok).toBe(false);
    }
    expect(fake.received.length).toBe(n);
    figures.add({ section: 'attacks', what: 'DNS rebinding (foreign Host) on proxy and admin routes', tried: 8, ok: 8, detail: '403, nothing forwarded' });
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      expect((await raw('/openai/v1/chat/completions', { host, authorization: 'Bearer sk-x' })).status, host).toBe(200);
    }
  });

  it('refuses browser cross-origin requests on proxy and admin routes, and never sends CORS headers', async () => {
    const n = fake.received.length;
    for (const origin of ['http://evil.example', 'https://127.0.0.1:' + port, 'null', `http://localhost:${port + 1}`]) {
      const r = await raw('/openai/v1/chat/completions', { origin, authorization: 'Bearer sk-x' });
      expect(r.status, origin).toBe(403);
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      expect((await raw('/api/keys.list', { origin, authorization: `Bearer ${tg.core.adminToken}` }, '')).status).toBe(403);
    }
    const sneaky = await raw('/openai/v1/chat/completions', { 'sec-fetch-site': 'cross-site', authorization: 'Bearer sk-x' });
    expect(sneaky.status).toBe(403);
    const preflight = await raw('/openai/v1/chat/completions', { origin: 'http://evil.example', 'access-control-request-method': 'POST' }, '', 'OPTIONS');
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(fake.received.length).toBe(n);
    figures.add({ section: 'attacks', what: 'browser cross-origin requests (Origin, Sec-Fetch-Site, preflight)', tried: 10, ok: 10, detail: '403, no CORS headers, nothing forwarded' });
    // Tollgate's own dashboard origin is allowed.
    expect((await raw('/api/status.get', { origin: `http://127.0.0.1:${port}`, authorization: `Bearer ${tg.core.adminToken}` }, '')).status).toBe(200);
  });

  it('cuts off a slow-loris client that trickles its headers', async () => {
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const closed = new Promise<number>((resolve) => {
      const t0 = Date.now();
      sock.on('close', () => resolve(Date.now() - t0));
      sock.on('error', () => {});
    });
    sock.write('POST /openai/v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const drip = setInterval(() => sock.writable && sock.write('X-Slow: 1\r\n'), 200);
    const ms = await closed;
    clearInterval(drip);
    expect(ms).toBeLessThan(4000);
    figures.add({ section: 'attacks', what: 'slow-loris headers', tried: 1, ok: 1, detail: `closed after ${ms} ms (1 s limit in this test, 20 s by default)` });
  });

  it('answers 408 to a body that stops arriving, and forwards nothing', async () => {
    const n = fake.received.length;
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let text = '';
    sock.on('data', (d) => (text += d));
    sock.write(`POST /openai/v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nAuthorization: Bearer sk-x\r\n\r\n{"model":`);
    await new Promise((r) => sock.once('close', r));
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(text).toMatch(/stopped arriving/);
    expect(fake.received.length).toBe(n);
    figures.add({ section: 'attacks', what: 'slow-loris body (stalls mid-upload)', tried: 1, ok: 1, detail: '408, nothing forwarded' });
  });

  it('keeps serving with two thousand idle connections open', async () => {
    const socks = await Promise.all(
      Array.from({ length: 2000 }, () => new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => resolve(s));
        s.on('error', reject);
      })),
    );
    const client = new OpenAI({ baseURL: `${tg.url}/openai/v1`, apiKey: 'sk-busy', maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] });
    expect(r.choices).toHaveLength(1);
    for (const s of socks) s.destroy();
  });
});

describe('bound beyond loopback', () => {
  it('every proxied request must present a Tollgate key', async () => {
    const wide = await startTollgate({ upstream: fake.url, core: { host: '0.0.0.0' } });
    try {
      const url = wide.url.replace('0.0.0.0', '127.0.0.1');
      const passthrough = await fetch(`${url}/openai/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-real' }, body: '{"model":"gpt-4o-mini","messages":[]}' });
      expect(passthrough.status).toBe(401);
      expect(((await passthrough.json()) as { error: { message: string } }).error.message).toMatch(/must present a Tollgate key/);
      const anonymous = await fetch(`${url}/openai/v1/chat/completions`, { method: 'POST', body: '{"model":"gpt-4o-mini","messages":[]}' });
      expect(anonymous.status).toBe(401);
      const { secret } = (await (await fetch(`${url}/api/keys.create`, {
        method: 'POST',
        headers: { authorization: `Bearer ${wide.core.adminToken}` },
        body: JSON.stringify({ name: 'lan', provider: 'openai', providerKey: 'sk-real-lan' }),
      })).json() as { data: { secret: string } }).data;
      const ok = await fetch(`${url}/openai/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${secret}` }, body: '{"model":"gpt-4o-mini","messages":[]}' });
      expect(ok.status).toBe(200);
      // The admin API still wants its token.
      expect((await fetch(`${url}/api/status.get`)).status).toBe(401);
      figures.add({ section: 'attacks', what: 'bound beyond loopback: provider key, no key, no admin token', tried: 3, ok: 3, detail: '401 each; a Tollgate key works' });
    } finally {
      await wide.stop();
    }
  });
});
