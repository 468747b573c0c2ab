import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { budgetRoute, CONTENT_SECURITY_POLICY, createUrlPolicy, devContentSecurityPolicy } from '../../../src/main/electron/url-policy.js';

const file = path.resolve('/opt/Tollgate/resources/app.asar/out/renderer/index.html');
const page = pathToFileURL(file).href;

describe('the window URL policy (built app)', () => {
  const p = createUrlPolicy({ rendererFile: file, devUrl: null });

  it('recognises the dashboard page, with any route, and nothing else', () => {
    expect(p.isAppPage(page)).toBe(true);
    expect(p.isAppPage(page + '#/budgets/b1')).toBe(true);
    expect(p.isAppPage(pathToFileURL(path.join(path.dirname(file), 'other.html')).href)).toBe(false);
    expect(p.isAppPage('file:///etc/passwd')).toBe(false);
    expect(p.isAppPage('https://evil.example/')).toBe(false);
    expect(p.isAppPage('http://localhost:5173/')).toBe(false);
    expect(p.isAppPage('not a url')).toBe(false);
  });

  it('lets the page load its own files and inline data, and nothing remote or elsewhere on disk', () => {
    expect(p.isAllowedRequest(pathToFileURL(path.join(path.dirname(file), 'assets/index-abc.js')).href)).toBe(true);
    expect(p.isAllowedRequest('data:image/png;base64,AAAA')).toBe(true);
    expect(p.isAllowedRequest('devtools://devtools/bundled/inspector.html')).toBe(true);
    expect(p.isAllowedRequest('https://cdn.example.com/lib.js')).toBe(false);
    expect(p.isAllowedRequest('http://127.0.0.1:4848/api/status.get')).toBe(false);
    expect(p.isAllowedRequest('file:///etc/passwd')).toBe(false);
    expect(p.isAllowedRequest(pathToFileURL(path.dirname(file) + '-evil/x.js').href)).toBe(false);
    expect(p.isAllowedRequest(page.replace('/renderer/index.html', '/renderer/../main/index.js'))).toBe(false);
  });

  it('builds page URLs with an in-app route', () => {
    expect(p.pageUrl()).toBe(page);
    expect(p.pageUrl(budgetRoute('b 1/x'))).toBe(page + '#/budgets/b%201%2Fx');
  });
});

describe('the window URL policy (dev server)', () => {
  const p = createUrlPolicy({ rendererFile: file, devUrl: 'http://localhost:5173/' });
  it('trusts the dev server origin and its hot-reload socket only', () => {
    expect(p.isAppPage('http://localhost:5173/#/budgets/b1')).toBe(true);
    expect(p.isAppPage('http://localhost:5174/')).toBe(false);
    expect(p.isAllowedRequest('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(p.isAllowedRequest('ws://localhost:5173/')).toBe(true);
    expect(p.isAllowedRequest('https://fonts.googleapis.com/css')).toBe(false);
    expect(p.pageUrl('/budgets/b1')).toBe('http://localhost:5173/#/budgets/b1');
  });
  it('relaxes the CSP header only for the dev server: its inline React Refresh preamble and hot-reload socket', () => {
    expect(p.csp).toBe(devContentSecurityPolicy('http://localhost:5173/'));
    expect(p.csp).toContain("script-src 'self' 'unsafe-inline'");
    expect(p.csp).toContain("connect-src 'self' ws://localhost:5173");
    expect(createUrlPolicy({ rendererFile: file, devUrl: null }).csp).toBe(CONTENT_SECURITY_POLICY);
  });
});

describe('the content security policy', () => {
  it('allows scripts only from the app itself and nothing by default', () => {
    const d = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((x) => [x.split(' ')[0], x.split(' ').slice(1)]));
    expect(d['default-src']).toEqual(["'none'"]);
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['object-src']).toEqual(["'none'"]);
    expect(d['frame-ancestors']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });
});
