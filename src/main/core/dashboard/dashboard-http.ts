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

// The dashboard's own palette, inline: this page is served before sign-in, without the bundle's CSS.
const PAGE_STYLE = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --text: #1d2430; --muted: #5b6472; --line: #d5dae1;
  --accent: #2754c5; --accent-text: #fff; --danger: #b42318; }
@media (prefers-color-scheme: dark) { :root { --bg: #111418; --card: #1a1f26; --text: #e6e9ee; --muted: #a3acb9;
  --line: #343b46; --accent: #7aa2ff; --accent-text: #0c1220; --danger: #ff8a80; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; padding: 1rem; }
main { width: 100%; max-width: 28rem; background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 1.75rem 1.75rem 1.25rem; box-shadow: 0 1px 3px rgb(0 0 0 / 8%); }
.brand { display: flex; align-items: center; gap: .5rem; color: var(--muted); font-size: .85rem; margin-bottom: .25rem; }
.brand b { color: var(--text); font-size: 1rem; }
h1 { font-size: 1.35rem; margin: 0 0 .75rem; }
p { margin: .5rem 0; }
.muted { color: var(--muted); font-size: .9rem; }
code { font-size: .85em; background: color-mix(in srgb, var(--line) 45%, transparent); padding: .1em .3em; border-radius: 4px;
  overflow-wrap: anywhere; }
label { display: block; font-weight: 600; margin: 1rem 0 .3rem; }
input { width: 100%; font: inherit; padding: .55rem .65rem; border: 1px solid var(--line); border-radius: 8px;
  background: var(--bg); color: var(--text); }
input:focus-visible, button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
button { margin-top: 1rem; width: 100%; font: inherit; font-weight: 600; padding: .55rem 1rem; border: 0; border-radius: 8px;
  background: var(--accent); color: var(--accent-text); cursor: pointer; }
[role="alert"] { color: var(--danger); border: 1px solid currentColor; border-radius: 8px; padding: .5rem .75rem; }
`;

function page(res: ServerResponse, status: number, title: string, body: string, extra: Record<string, string> = {}) {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Tollgate</title>
<meta name="color-scheme" content="light dark"><style>${PAGE_STYLE}</style></head>
<body><main>
<div class="brand" aria-hidden="true"><b>Tollgate</b> · AI spend under control</div>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
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
${message ? `<p role="alert">${escapeHtml(message)}</p>` : ''}
<p>Open the one-time sign-in link that <code>npm run serve</code> printed when it started, or paste the admin token.</p>
<form method="post" action="/login">
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus aria-describedby="token-help">
<p id="token-help" class="muted">It is in <code>${escapeHtml(opts.tokenFile)}</code>. Once signed in, this browser stays signed in for 7 days, restarts included.</p>
<button type="submit">Sign in</button>
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
