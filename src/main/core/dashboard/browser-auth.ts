import type { IncomingMessage } from 'node:http';
import type { DashboardSessions } from './sessions.js';

/**
 * Cookies ignore ports, so two Tollgates on one host (or tests) would overwrite each other's session under one
 * name; the name carries the port instead.
 */
export function sessionCookieName(req: IncomingMessage): string {
  return `tollgate_session_${req.socket.localPort ?? 0}`;
}

export function readCookie(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

export function sessionCookie(req: IncomingMessage, value: string, maxAgeSeconds: number): string {
  // HttpOnly: no script reads it. SameSite=Strict: other sites' pages never send it. No Secure: this is http on loopback.
  return `${sessionCookieName(req)}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}`;
}

/**
 * SameSite treats every port of 127.0.0.1 as one site, so a page served by some other local server could still
 * make the browser send the cookie. Requests that change state must therefore come from our own origin.
 */
export function fromOwnOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  return typeof origin === 'string' && typeof host === 'string' && origin === `http://${host}`;
}

/** Reads without side effects (the event stream): no Origin is sent for same-origin GETs, so only refuse a foreign one. */
export function notCrossOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined && !fromOwnOrigin(req)) return false;
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

export type CookieAuth = 'ok' | 'no-session' | 'foreign-origin';

/** Whether a browser request carries a live session and comes from the dashboard's own page. */
export function checkCookieAuth(req: IncomingMessage, sessions: DashboardSessions, kind: 'call' | 'read'): CookieAuth {
  if (!sessions.valid(readCookie(req, sessionCookieName(req)))) return 'no-session';
  const originOk = kind === 'call' ? req.method === 'POST' && fromOwnOrigin(req) : notCrossOrigin(req);
  return originOk ? 'ok' : 'foreign-origin';
}
