import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export interface Bound {
  host: string;
  port: number;
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const v = isIP(host);
  if (v === 4) return host.startsWith('127.');
  if (v === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

export type GateVerdict = { ok: true } | { ok: false; status: number; reason: string };

const OK: GateVerdict = { ok: true };

interface OwnNames {
  set: Set<string>;
  loopbackOnly: boolean;
}

/**
 * What keeps web pages in the user's own browser from spending through Tollgate or reading it:
 * - DNS rebinding: a page on evil.example that resolves to 127.0.0.1 still sends "Host: evil.example", so only
 *   the loopback names Tollgate serves are accepted while it is bound to loopback.
 * - Cross-origin requests: a browser marks them with Origin (and Sec-Fetch-Site); only Tollgate's own dashboard
 *   origin passes. Tollgate sends no CORS headers, so nothing cross-origin can read an answer either.
 * Bound to another address, Host cannot be pinned, so every proxied request must carry a Tollgate key instead.
 */
export function createRequestGate(): (req: IncomingMessage, bound: Bound | null) => GateVerdict {
  let cachedFor: Bound | null = null;
  let cachedNames: OwnNames = { set: new Set(), loopbackOnly: true };
  // The names Tollgate answers to, computed once per bound address rather than per request.
  const ownNames = (bound: Bound): OwnNames => {
    if (cachedFor !== bound) {
      cachedFor = bound;
      cachedNames = { set: new Set([`127.0.0.1:${bound.port}`, `localhost:${bound.port}`, `[::1]:${bound.port}`]), loopbackOnly: isLoopback(bound.host) };
    }
    return cachedNames;
  };
  return (req, bound) => (bound ? check(req, bound, ownNames(bound)) : OK);
}

function check(req: IncomingMessage, bound: Bound, names: OwnNames): GateVerdict {
  const host = req.headers.host;
  let own = names.set;
  if (names.loopbackOnly) {
    if (!host) return { ok: false, status: 400, reason: 'A Host header is required.' };
    if (!own.has(host) && !own.has(host.toLowerCase())) {
      return { ok: false, status: 403, reason: `Host "${host.slice(0, 100)}" is not this Tollgate (use 127.0.0.1:${bound.port} or localhost:${bound.port}).` };
    }
  } else if (host) {
    own = new Set([...own, host.toLowerCase()]);
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost = '';
    try {
      const u = new URL(origin);
      originHost = u.protocol === 'http:' ? u.host.toLowerCase() : '';
    } catch {
      originHost = '';
    }
    if (!own.has(originHost)) {
      return { ok: false, status: 403, reason: `Cross-origin requests from ${origin.slice(0, 100)} are refused: only Tollgate's own dashboard may call it from a browser.` };
    }
  }
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    return { ok: false, status: 403, reason: 'Cross-site browser requests are refused.' };
  }
  return OK;
}
