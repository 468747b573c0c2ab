import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tokenMatches } from '../admin/token.js';
import { readBody } from '../proxy/body.js';
import { fromOwnOrigin, readCookie, sessionCookie, sessionCookieName } from './browser-auth.js';
import type { DashboardSessions } from './sessions.js';
import { securityHeaders, sendStatic } from './static-files.js';

const SESSION_MAX_AGE_S = 7 * 24 * 3600;
const LOGIN_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface DashboardHttpOptions {
  /** The built renderer (electron-vite's out/renderer). */
  root: string;
  sessions: DashboardSessions;
  token: () => string;
  /** Where the admin token lives, for the sign-in page's words. */
  tokenFile: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, body: string, extra: Record<string, string> = {}) {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Tollgate</title>
<meta name="color-scheme" content="light dark"></head>
<body style="font: 15px/1.5 system-ui, sans-serif; max-width: 34rem; margin: 4rem auto; padding: 0 1rem">
<h1 style="font-size: 1.4rem">${escapeHtml(title)}</h1>
${body}
</body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    ...securityHeaders(LOGIN_CSP),
    ...extra,
  });
  res.end(html);
}

function redirect(res: ServerResponse, to: string, extra: Record<string, string | string[]> = {}) {
  res.writeHead(303, { location: to, 'cache-control': 'no-store', ...securityHeaders(), ...extra });
  res.end();
}

/**
 * Serves the dashboard in headless mode and signs browsers in. The admin token never reaches the page: a one-time
 * link (or the token pasted once into a form) becomes an HttpOnly, SameSite=Strict session cookie, which the admin
 * API accepts for calls from this origin only.
 */
export function createDashboardHttp(opts: DashboardHttpOptions) {
  const root = path.resolve(opts.root);

  const loginForm = (message: string | null) => `
${message ? `<p role="alert" style="color: #b42318">${escapeHtml(message)}</p>` : ''}
<p>Open the one-time sign-in link that <code>npm run serve</code> printed when it started, or paste the admin token
from <code>${escapeHtml(opts.tokenFile)}</code>.</p>
<form method="post" action="/login">
<label for="token">Admin token</label><br>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus style="width: 100%; font: inherit; padding: .4rem">
<p><button type="submit" style="font: inherit; padding: .4rem 1rem">Sign in</button></p>
</form>`;

  const signIn = (req: IncomingMessage, res: ServerResponse, session: string) =>
    redirect(res, '/', { 'set-cookie': sessionCookie(req, session, SESSION_MAX_AGE_S) });

  return function handleDashboard(req: IncomingMessage, res: ServerResponse, urlPath: string): boolean {
    const method = req.method ?? 'GET';
    if (urlPath === '/login') {
      if (method === 'GET') {
        const code = new URL(req.url ?? '/', 'http://x').searchParams.get('code');
        if (code === null) {
          page(res, 200, 'Sign in to Tollgate', loginForm(null));
          return true;
        }
        const session = opts.sessions.redeemCode(code);
        if (session) signIn(req, res, session);
        else page(res, 401, 'Sign in to Tollgate', loginForm('That sign-in link was already used or has expired (links work once, for 10 minutes).'));
        return true;
      }
      if (method === 'POST') {
        if (!fromOwnOrigin(req)) {
          page(res, 403, 'Sign in to Tollgate', loginForm('Sign-in must come from this page.'));
          return true;
        }
        readBody(req, 16 * 1024, (err, body) => {
          const token = err ? null : new URLSearchParams(body.toString('utf8')).get('token');
          if (token && tokenMatches(token.trim(), opts.token())) signIn(req, res, opts.sessions.open());
          else page(res, 401, 'Sign in to Tollgate', loginForm('That is not the admin token.'));
        });
        return true;
      }
      return false;
    }
    if (urlPath === '/logout' && method === 'POST') {
      if (!fromOwnOrigin(req)) {
        page(res, 403, 'Sign out', '<p>Sign-out must come from the dashboard itself.</p>');
        return true;
      }
      const id = readCookie(req, sessionCookieName(req));
      if (id) opts.sessions.close(id);
      redirect(res, '/login', { 'set-cookie': sessionCookie(req, '', 0) });
      return true;
    }
    if (method !== 'GET' && method !== 'HEAD') return false;
    if (urlPath === '/' || urlPath === '/index.html') {
      if (!opts.sessions.valid(readCookie(req, sessionCookieName(req)))) {
        redirect(res, '/login');
        return true;
      }
      if (!fs.existsSync(path.join(root, 'index.html'))) {
        page(res, 503, 'The dashboard is not built', '<p>Run <code>npm run build</code> (or start with <code>npm run serve</code>, which builds it) and reload.</p>');
        return true;
      }
      return sendStatic(req, res, root, '/index.html');
    }
    // Assets are the public bundle (no data in it), so they need no session.
    if (urlPath.startsWith('/assets/')) return sendStatic(req, res, root, urlPath);
    return false;
  };
}
