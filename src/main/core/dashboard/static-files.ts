import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** The same policy as index.html's meta tag, plus what only a header can say: no framing by other pages. */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export function securityHeaders(csp = DASHBOARD_CSP): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    // Nothing of ours travels to other sites in a Referer. Not "no-referrer": with it Chromium sends "Origin: null"
    // on our own form posts (sign-in, sign-out), which the origin check must then refuse.
    'referrer-policy': 'same-origin',
  };
}

/** Resolves a URL path inside root, or null for anything that would step outside it. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  return file === root || file.startsWith(root + path.sep) ? file : null;
}

/** Sends a file from the built dashboard; false when there is no such file. */
export function sendStatic(req: IncomingMessage, res: ServerResponse, root: string, urlPath: string): boolean {
  const file = resolveInside(root, urlPath);
  if (!file) return false;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return false;
  }
  if (!stat.isFile()) return false;
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  // Vite puts a content hash in every asset's name, so assets never change; index.html always may.
  const immutable = urlPath.startsWith('/assets/');
  res.writeHead(200, {
    'content-type': type,
    'content-length': stat.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-store',
    ...securityHeaders(),
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  fs.createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
  return true;
}
