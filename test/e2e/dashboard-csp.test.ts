/**
 * The dashboard page under the Content-Security-Policy the app gives it, in a real Chromium (Debian's, through
 * playwright-core): the built page with its own meta CSP over file://, and the dev server's page with the header
 * security.ts adds in `npm run dev`. A CSP that blocks the page's own scripts would leave the window blank, and
 * nothing else would notice before someone launched the app.
 */
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../../electron.vite.config.js';
import { CONTENT_SECURITY_POLICY, devContentSecurityPolicy } from '../../src/main/electron/url-policy.js';
import { CHROMIUM_PATH, HAS_CHROMIUM, launchChromium } from '../support/chromium.js';
import { buildApp } from '../support/stub-app.js';

const missing = HAS_CHROMIUM ? null : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
if (missing) console.warn(`dashboard CSP tests skipped: ${missing}`);

async function open(browser: Browser, url: string, csp?: string): Promise<{ page: Page; violations: string[]; errors: string[] }> {
  const page = await browser.newPage();
  const violations: string[] = [];
  const errors: string[] = [];
  await page.exposeFunction('__reportViolation', (v: string) => violations.push(v));
  // Page scripts as text: this file is type-checked without the DOM library.
  await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => __reportViolation(e.violatedDirective + ' ' + e.blockedURI));" });
  page.on('pageerror', (e) => errors.push(e.message));
  if (csp) {
    await page.route(url, async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': csp } });
    });
  }
  await page.goto(url);
  return { page, violations, errors };
}

const rendered = (page: Page) => page.waitForFunction("(document.getElementById('root')?.childElementCount ?? 0) > 0", undefined, { timeout: 10_000 });

describe.skipIf(missing)(`the dashboard under its CSP${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let browser: Browser;
  let outDir: string;
  let vite: ViteDevServer;
  let devUrl: string;

  beforeAll(async () => {
    outDir = buildApp();
    browser = await launchChromium(['--allow-file-access-from-files']);
    const renderer = (config as { renderer: Record<string, unknown> }).renderer;
    // A real port up front: with port 0, Vite's hot-reload client would dial ws://…:0.
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    vite = await createServer({ ...renderer, configFile: false, logLevel: 'error', server: { port, strictPort: true, host: '127.0.0.1' } });
    await vite.listen();
    devUrl = `http://127.0.0.1:${port}/`;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await vite?.close();
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('the built page renders under its own meta CSP, which allows no inline or remote script', async () => {
    const html = fs.readFileSync(path.join(outDir, 'renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    expect(meta).toMatch(/script-src 'self'(;|$)/);
    const { page, violations, errors } = await open(browser, `file://${outDir}/renderer/index.html`);
    await rendered(page);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('the dev server page renders under the dev header, and the built header would have blocked it', async () => {
    const dev = await open(browser, devUrl, devContentSecurityPolicy(devUrl));
    await rendered(dev.page);
    expect(dev.violations).toEqual([]);

    // The control: the strict header blocks the React Refresh preamble the dev server inlines.
    const strict = await open(browser, devUrl, CONTENT_SECURITY_POLICY);
    await expect.poll(() => strict.violations.length).toBeGreaterThan(0);
    expect(strict.violations.some((v) => v.startsWith('script-src'))).toBe(true);
  });
});
