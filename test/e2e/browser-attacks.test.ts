import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, launchChromium } from '../support/chromium.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTollgate, type Tollgate } from '../support/harness.js';
import { recordFigures } from '../hardening/support/figures.js';

const figures = recordFigures('security-browser');

/**
 * Web pages in the user's own browser must not be able to spend through Tollgate or read it. A real Chromium
 * visits a hostile page on another origin, and a DNS-rebinding name that resolves to loopback.
 */
describe.skipIf(!HAS_CHROMIUM)(`hostile web pages in a real browser${HAS_CHROMIUM ? '' : ' (skipped: /usr/bin/chromium not installed)'}`, () => {
  let fake: FakeUpstream;
  let tg: Tollgate;
  let evil: http.Server;
  let evilUrl: string;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    tg = await startTollgate({ upstream: fake.url });
    const target = tg.url;
    // The attacker's page: fires every request a page can make without the user's help.
    const page = `<!doctype html><script>
      const t = ${JSON.stringify(target)};
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'spend' }] });
      window.results = Promise.allSettled([
        fetch(t + '/openai/v1/chat/completions', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body }),
        fetch(t + '/openai/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-stolen' }, body }).then(r => r.text()),
        fetch(t + '/anthropic/v1/messages', { method: 'POST', mode: 'no-cors', body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [] }) }),
        fetch(t + '/api/keys.list', { method: 'POST' }).then(r => r.text()),
        fetch(t + '/api/status.get').then(r => r.text()),
        new Promise((res) => { const i = new Image(); i.onload = i.onerror = () => res('img'); i.src = t + '/openai/v1/models'; }),
        new Promise((res) => { const f = document.createElement('form'); f.method = 'POST'; f.action = t + '/openai/v1/chat/completions'; f.target = 'sink'; f.enctype = 'text/plain';
          const i = document.createElement('input'); i.name = '{"model":"gpt-4o-mini","messages":[],"x":"'; i.value = '"}'; f.appendChild(i);
          const sink = document.createElement('iframe'); sink.name = 'sink'; sink.onload = () => res('form'); document.body.appendChild(sink); document.body.appendChild(f); f.submit(); }),
      ]).then(rs => rs.map(r => r.status === 'fulfilled' ? String(r.value).slice(0, 200) : 'blocked: ' + r.reason));
    </script>`;
    evil = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(page);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    figures.save();
    await tg?.stop();
    await fake?.close();
    await new Promise((r) => evil?.close(r));
  });

  it('a page on another origin can neither spend through Tollgate nor read it', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(evilUrl);
      const results = (await page.evaluate('window.results')) as string[];
      // Whatever the browser let through was refused by Tollgate: nothing reached the provider,
      // and nothing readable (key lists, status, completions) came back to the page.
      expect(fake.received).toHaveLength(0);
      expect(results.join('\n')).not.toMatch(/"ok":true|fake upstream|chatcmpl|tga_/);
      expect(await tg.core.api['requests.recent']({})).toHaveLength(0);
      figures.add({ section: 'attacks', what: 'hostile page in Chromium (fetch, no-cors, form, image, admin reads)', tried: results.length, ok: results.length, detail: 'nothing reached the provider, nothing readable came back' });
    } finally {
      await browser.close();
    }
  });

  it('a DNS-rebinding name that resolves to 127.0.0.1 gets nothing', async () => {
    const port = new URL(tg.url).port;
    const browser = await launchChromium(['--host-resolver-rules=MAP rebind.attacker.test 127.0.0.1']);
    try {
      const page = await browser.newPage();
      const res = await page.goto(`http://rebind.attacker.test:${port}/openai/v1/models`);
      expect(res?.status()).toBe(403);
      // Same-origin to the rebound name: the page could read any answer, so there must be none worth reading.
      const body = (await page.evaluate(`fetch('/openai/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-x' }, body: '{"model":"gpt-4o-mini","messages":[]}' }).then(r => r.status + ' ' + r.statusText)`)) as string;
      expect(body).toMatch(/^403/);
      const admin = (await page.evaluate(`fetch('/api/status.get', { headers: { authorization: 'Bearer ${tg.core.adminToken}' } }).then(r => r.status)`)) as number;
      expect(admin).toBe(403);
      expect(fake.received).toHaveLength(0);
      figures.add({ section: 'attacks', what: 'DNS rebinding in Chromium (navigation, same-origin fetch, admin)', tried: 3, ok: 3, detail: '403 each' });
    } finally {
      await browser.close();
    }
  });
});
