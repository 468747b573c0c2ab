import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../src/main/core/util/clock.js';
import { startTollgate, tempDir, type Tollgate } from '../../../support/harness.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw HTTP, so the test controls Origin, Cookie and Sec-Fetch-Site exactly as a browser would send them. */
function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string; firstChunkOnly?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
        if (opts.firstChunkOnly) {
          resolve({ status: res.statusCode!, headers: res.headers, body });
          res.destroy();
        }
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const cookieOf = (r: Reply) => (r.headers['set-cookie']?.[0] ?? '').split(';')[0]!;

describe('headless dashboard: static files and browser sign-in', () => {
  const clock = createManualClock(Date.now());
  let tg: Tollgate;
  let origin: string;
  let root: string;

  beforeAll(async () => {
    root = tempDir('tollgate-dash-');
    fs.mkdirSync(path.join(root, 'assets'));
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Tollgate test dashboard</title>');
    fs.writeFileSync(path.join(root, 'assets', 'app-abc123.js'), 'console.log("dashboard")');
    tg = await startTollgate({ core: { dashboard: { root }, clock } });
    origin = tg.url;
  });
  afterAll(() => tg?.stop());

  const signIn = async () => {
    const link = tg.core.dashboardLoginUrl()!;
    const r = await request(link);
    expect(r.status).toBe(303);
    return cookieOf(r);
  };

  it('sends a browser without a session to the sign-in page', async () => {
    const r = await request(`${origin}/`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/login');
    const login = await request(`${origin}/login`);
    expect(login.status).toBe(200);
    expect(login.body).toContain('admin-token');
    expect(login.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(login.headers['x-frame-options']).toBe('DENY');
  });

  it('trades a one-time link for an HttpOnly, SameSite=Strict cookie, once', async () => {
    const link = tg.core.dashboardLoginUrl()!;
    expect(link).toMatch(/\/login\?code=[A-Za-z0-9]{20,}$/);
    const first = await request(link);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = first.headers['set-cookie']![0]!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    const again = await request(link);
    expect(again.status).toBe(401);
    expect(again.body).toMatch(/already used or has expired/);
    expect(again.headers['set-cookie']).toBeUndefined();

    const page = await request(`${origin}/`, { headers: { cookie: cookieOf(first) } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Tollgate test dashboard');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
  });

  it('lets a link expire after ten minutes', async () => {
    const link = tg.core.dashboardLoginUrl()!;
    clock.advance(10 * 60_000 + 1);
    expect((await request(link)).status).toBe(401);
  });

  it('serves hashed assets to anyone, and nothing outside the build folder', async () => {
    const js = await request(`${origin}/assets/app-abc123.js`);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toMatch(/immutable/);
    for (const p of ['/assets/../../admin-token', '/assets/%2e%2e/%2e%2e/admin-token', '/assets/..%2f..%2fadmin-token']) {
      const r = await request(`${origin}${p}`);
      expect(r.status, p).toBe(404);
      expect(r.body).not.toContain('tga_');
    }
  });

  it('accepts the cookie for POSTs from its own origin only', async () => {
    const cookie = await signIn();
    const call = (headers: Record<string, string>, method = 'POST') => request(`${origin}/api/status.get`, { method, headers: { cookie, ...headers } });
    const ok = await call({ origin });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, data: { port: expect.any(Number) } });
    // Another local server's page (same site: SameSite does not separate ports) must not ride on the cookie.
    const foreign = await call({ origin: 'http://127.0.0.1:1' });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error.code).toBe('forbidden');
    expect((await call({})).status).toBe(403);
    expect((await call({ origin }, 'GET')).status).toBe(403);
    // Without the cookie the Origin alone is worth nothing.
    const none = await request(`${origin}/api/status.get`, { method: 'POST', headers: { origin } });
    expect(none.status).toBe(401);
    const forged = await request(`${origin}/api/status.get`, { method: 'POST', headers: { origin, cookie: cookie.replace(/=.*/, '=forged') } });
    expect(forged.status).toBe(401);
  });

  it('streams events to a signed-in page but not to a cross-origin one', async () => {
    const cookie = await signIn();
    const ok = await request(`${origin}/api/events`, { headers: { cookie, 'sec-fetch-site': 'same-origin' }, firstChunkOnly: true });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('text/event-stream');
    const cross = await request(`${origin}/api/events`, { headers: { cookie, 'sec-fetch-site': 'same-site' } });
    expect(cross.status).toBe(403);
  });

  it('signs in with the admin token pasted into the form, from its own page only', async () => {
    const form = (token: string, headers: Record<string, string>) =>
      request(`${origin}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: `token=${encodeURIComponent(token)}` });
    const good = await form(tg.core.adminToken, { origin });
    expect(good.status).toBe(303);
    expect(good.headers['set-cookie']![0]).toMatch(/HttpOnly; SameSite=Strict/);
    const wrong = await form('tga_wrong', { origin });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatch(/not the admin token/);
    const foreign = await form(tg.core.adminToken, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['set-cookie']).toBeUndefined();
  });

  it('signs out: the cookie stops working', async () => {
    const cookie = await signIn();
    const out = await request(`${origin}/logout`, { method: 'POST', headers: { cookie, origin } });
    expect(out.status).toBe(303);
    expect(out.headers['set-cookie']![0]).toMatch(/Max-Age=0/);
    expect((await request(`${origin}/api/status.get`, { method: 'POST', headers: { cookie, origin } })).status).toBe(401);
  });

  it('keeps the bearer token working for curl and scripts', async () => {
    expect((await tg.admin('status.get')).status).toBe(200);
  });
});

describe('headless dashboard without a build', () => {
  it('says how to build it instead of serving nothing', async () => {
    const tg = await startTollgate({ core: { dashboard: { root: tempDir('tollgate-empty-') } } });
    try {
      const r = await request(tg.core.dashboardLoginUrl()!);
      const page = await request(`${tg.url}/`, { headers: { cookie: cookieOf(r) } });
      expect(page.status).toBe(503);
      expect(page.body).toMatch(/npm run build/);
    } finally {
      await tg.stop();
    }
  });
  it('keeps the browser signed in across a restart on the same data folder and port', async () => {
    const dataDir = tempDir();
    const root = tempDir('tollgate-dash-');
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Tollgate test dashboard</title>');
    const first = await startTollgate({ dataDir, core: { dashboard: { root } } });
    const port = Number(new URL(first.url).port);
    let cookie: string;
    try {
      // connection: close, or the next request may go out on a kept-alive socket of the server just stopped.
      cookie = cookieOf(await request(first.core.dashboardLoginUrl()!, { headers: { connection: 'close' } }));
      expect(cookie).toMatch(new RegExp(`^tollgate_session_${port}=`));
    } finally {
      await first.stop();
    }
    const second = await startTollgate({ dataDir, core: { dashboard: { root }, port } });
    try {
      const page = await request(`${second.url}/`, { headers: { cookie } });
      expect(page.status).toBe(200);
      const call = await request(`${second.url}/api/status.get`, { method: 'POST', headers: { origin: second.url, cookie } });
      expect(call.status).toBe(200);
      const forged = await request(`${second.url}/`, { headers: { cookie: cookie.replace(/=.*/, '=forged') } });
      expect(forged.status).toBe(303);
    } finally {
      await second.stop();
    }
  });
});
