/**
 * Which URLs belong to Tollgate's own window, and what its pages may load. Plain Node on purpose (no electron
 * import) so the policy is unit-tested; security.ts and ipc.ts apply it.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The dashboard needs nothing from outside: everything it shows comes over IPC. Styles allow inline because React
 * style props and some component libraries write style attributes; scripts never do.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/**
 * With the dev server (`npm run dev`), @vitejs/plugin-react injects an inline module script (the React Refresh
 * preamble) ahead of the page's own meta CSP, and hot reload talks over a WebSocket. A response header covers
 * the whole page, so in dev it allows inline scripts and that socket; built pages never get this.
 */
export function devContentSecurityPolicy(devUrl: string): string {
  const ws = new URL(devUrl).origin.replace(/^http/, 'ws');
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("connect-src 'self'", `connect-src 'self' ${ws}`);
}

export interface UrlPolicy {
  /** The CSP response header for the window's pages. */
  readonly csp: string;
  /** The dashboard page itself (any hash): the only page whose IPC is answered and the only place navigation may go. */
  isAppPage(url: string): boolean;
  /** What a page may fetch: its own files (or the dev server), devtools, and inline data. No remote content. */
  isAllowedRequest(url: string): boolean;
  /** Where the window loads from, with an optional in-app route ("/budgets/b1" → "#/budgets/b1"). */
  pageUrl(route?: string): string;
}

export function createUrlPolicy(opts: { rendererFile: string; devUrl: string | null }): UrlPolicy {
  const file = path.resolve(opts.rendererFile);
  const dir = path.dirname(file) + path.sep;
  const devOrigin = opts.devUrl ? new URL(opts.devUrl).origin : null;
  const devWs = devOrigin ? devOrigin.replace(/^http/, 'ws') : null;

  const parse = (url: string): URL | null => {
    try {
      return new URL(url);
    } catch {
      return null;
    }
  };
  const filePath = (u: URL): string | null => {
    try {
      return path.resolve(fileURLToPath(u));
    } catch {
      return null;
    }
  };

  return {
    csp: opts.devUrl ? devContentSecurityPolicy(opts.devUrl) : CONTENT_SECURITY_POLICY,
    isAppPage(url) {
      const u = parse(url);
      if (!u) return false;
      if (devOrigin) return u.origin === devOrigin;
      return u.protocol === 'file:' && filePath(u) === file;
    },
    isAllowedRequest(url) {
      const u = parse(url);
      if (!u) return false;
      if (u.protocol === 'devtools:' || u.protocol === 'data:' || u.protocol === 'blob:') return true;
      if (devOrigin && (u.origin === devOrigin || (devWs !== null && `${u.protocol}//${u.host}` === devWs))) return true;
      if (u.protocol === 'file:') {
        const p = filePath(u);
        return p !== null && p.startsWith(dir);
      }
      return false;
    },
    pageUrl(route) {
      const hash = route ? '#' + (route.startsWith('/') ? route : '/' + route) : '';
      if (opts.devUrl) return opts.devUrl.replace(/#.*$/, '') + hash;
      return pathToFileURL(file).href + hash;
    },
  };
}

/** The in-app route for a budget, as the dashboard reads it from location.hash. */
export const budgetRoute = (budgetId: string) => `/budgets/${encodeURIComponent(budgetId)}`;
