/**
 * The BUILT Electron main bundle (electron-vite build → out/main/index.js), run in plain Node with `electron`
 * mapped to a recording stub. Everything behind the stub is real: the core, electron-store on disk, the proxy
 * on a loopback port, the admin API.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../src/main/contract/api.js';
import { CONTENT_SECURITY_POLICY } from '../../src/main/electron/url-policy.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { thresholdAlert } from '../support/fixtures.js';
import { tempDir } from '../support/harness.js';
import { buildApp, menuItem, menuLabels, ROOT, startStubApp, type StubApp, type StubState } from '../support/stub-app.js';

let outDir: string;
let upstream: FakeUpstream;
let app: StubApp;
let userData: string;
let s0: StubState;

const ready = (s: StubState) => s.ready && Boolean(s.tray?.menu);

beforeAll(async () => {
  outDir = buildApp();
  upstream = await startFakeUpstream();
  userData = tempDir('tollgate-app-');
  app = startStubApp({ outDir, userData, env: { TOLLGATE_OPENAI_BASE_URL: upstream.url, TOLLGATE_ANTHROPIC_BASE_URL: upstream.url } });
  s0 = await app.waitFor(ready, 'the app to start');
}, 60_000);

afterAll(async () => {
  await app?.kill();
  await upstream?.close();
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

async function admin<T>(url: string, channel: string, input?: unknown): Promise<{ ok: boolean; data: T }> {
  const token = fs.readFileSync(path.join(userData, 'admin-token'), 'utf8').trim();
  const res = await fetch(`${url}/api/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: input === undefined ? undefined : JSON.stringify(input),
  });
  return (await res.json()) as { ok: boolean; data: T };
}

async function chat(url: string) {
  const res = await fetch(`${url}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-smoke-test-key-000001', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** claude-haiku-4-5 at $1 / $5 per MTok: 100 input + 1000 output tokens cost $0.0051. */
async function haiku(url: string) {
  const res = await fetch(`${url}/anthropic/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': 'sk-ant-smoke-test-0001', 'content-type': 'application/json', 'x-fake': JSON.stringify({ usage: { input_tokens: 100, output_tokens: 1000 } }) },
    body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('the app, built and run on a stub electron', () => {
  it('starts as a tray app: single-instance lock, no dock icon, no window until asked for', () => {
    expect(s0.calls.slice(0, 2)).toEqual(['requestSingleInstanceLock', 'dock.hide']);
    expect(s0.trays).toBe(1);
    expect(s0.windows).toEqual([]);
    expect(s0.appListeners).toEqual(expect.arrayContaining(['second-instance', 'before-quit', 'window-all-closed', 'web-contents-created']));
    expect(s0.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('shows the tray icon for the state, from resources/, with spend in the tooltip and the full menu', () => {
    expect(s0.tray!.image).toBe(path.join(ROOT, 'resources/tray/normal.png'));
    expect(fs.existsSync(s0.tray!.image)).toBe(true);
    expect(s0.tray!.tooltip).toMatch(/^Tollgate\nToday \$0\.00 · [A-Z][a-z]+ \$0\.00$/);
    const labels = menuLabels(s0.tray!.menu);
    for (const l of ['Hard stop enforcement', 'Pause all AI traffic', 'Open dashboard', 'Copy setup for…', '  Claude Code', '  Codex CLI', '  OpenAI SDK', '  Anthropic SDK', 'Start at login', 'Quit Tollgate']) {
      expect(labels).toContain(l);
    }
    expect(menuItem(s0.tray!.menu, 'Hard stop enforcement')).toMatchObject({ type: 'checkbox', checked: true, enabled: true });
    expect(menuItem(s0.tray!.menu, 'Pause all AI traffic')).toMatchObject({ type: 'checkbox', checked: false });
  });

  it('registers exactly one IPC handler per contract channel', () => {
    expect([...s0.ipcChannels].sort()).toEqual([...CHANNELS].sort());
  });

  it('hardens the session: permissions denied, remote requests cancelled, CSP on every response', async () => {
    expect(s0.session).toEqual({ permissionRequest: true, permissionCheck: true, beforeRequest: true, headersReceived: true });
    // The window is needed for the permission handler's web contents: open it.
    await app.send('click', { labels: ['Open dashboard'] });
    await app.waitFor((s) => s.windows.length === 1, 'the window');
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      expect(await app.send('permission', { permission })).toMatchObject({ granted: false, check: false });
    }
    expect(await app.send('request', { url: 'https://cdn.example.com/x.js' })).toMatchObject({ cancel: true });
    expect(await app.send('request', { url: `http://127.0.0.1:4848/api/status.get` })).toMatchObject({ cancel: true });
    expect(await app.send('request', { url: `file://${outDir}/renderer/assets/index.js` })).toMatchObject({ cancel: false });
    expect(await app.send('request', { url: `file://${outDir}/main/index.js` })).toMatchObject({ cancel: true });
    const h = await app.send<{ responseHeaders: Record<string, string[]> }>('headers', { url: 'http://localhost:5173/' });
    expect(h.responseHeaders['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });

  it('opens a locked-down window on the built dashboard', async () => {
    const s = await app.waitFor((x) => x.windows[0]?.visible === true, 'the window to show');
    const w = s.windows[0]!;
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(w.options.webPreferences.preload).toBe(path.join(outDir, 'preload/index.cjs'));
    expect(fs.existsSync(w.options.webPreferences.preload as string)).toBe(true);
    expect(w.loads).toEqual([`file://${outDir}/renderer/index.html`]);
    expect(w.navigateListeners).toBeGreaterThan(0);
    expect(w.hasWindowOpenHandler).toBe(true);
    // The built page carries its own CSP for file://, where there are no response headers.
    expect(fs.readFileSync(path.join(outDir, 'renderer/index.html'), 'utf8')).toMatch(/http-equiv="Content-Security-Policy"[^>]*script-src 'self'/);
  });

  it('blocks navigation away, new windows and webviews; https links go to the browser', async () => {
    expect(await app.send('navigate', { url: 'https://evil.example/' })).toMatchObject({ prevented: true, redirectPrevented: true });
    expect(await app.send('navigate', { url: 'file:///etc/passwd' })).toMatchObject({ prevented: true });
    expect(await app.send('navigate', { url: `file://${outDir}/renderer/index.html#/budgets/b1` })).toMatchObject({ prevented: false });
    expect(await app.send('windowOpen', { url: 'https://docs.example.com/page' })).toMatchObject({ result: { action: 'deny' } });
    expect(await app.send('windowOpen', { url: 'http://plain.example.com/' })).toMatchObject({ result: { action: 'deny' } });
    expect(await app.send('windowOpen', { url: 'file:///etc/passwd' })).toMatchObject({ result: { action: 'deny' } });
    expect(await app.send('attachWebview')).toMatchObject({ prevented: true });
    expect((await app.state()).openExternal).toEqual(['https://docs.example.com/page']);
  });

  it('answers IPC from its own window in the envelope, with errors mapped, and refuses other senders', async () => {
    const ok = await app.send<{ result: { ok: boolean; data: Record<string, unknown> } }>('invoke', { channel: 'settings.get', from: 'window' });
    expect(ok.result).toMatchObject({ ok: true, data: { hardStopEnforcement: true, paused: false } });
    const invalid = await app.send<{ result: unknown }>('invoke', { channel: 'settings.update', input: { paused: 'yes' }, from: 'window' });
    expect(invalid.result).toEqual({ ok: false, error: { code: 'invalid', message: 'paused: must be true or false', field: 'paused' } });
    const missing = await app.send<{ result: unknown }>('invoke', { channel: 'keys.revoke', input: { id: 'key_nope' }, from: 'window' });
    expect(missing.result).toMatchObject({ ok: false, error: { code: 'not_found' } });
    for (const from of ['foreign', 'subframe']) {
      const r = await app.send<{ result: unknown }>('invoke', { channel: 'settings.update', input: { paused: true }, from });
      expect(r.result, from).toEqual({ ok: false, error: { code: 'forbidden', message: "Only Tollgate's own window may call this." } });
    }
    // A page the window was navigated to (it cannot be, but if it were) gets nothing either.
    await app.send('setWindowUrl', { url: 'https://evil.example/' });
    const evil = await app.send<{ result: { ok: boolean } }>('invoke', { channel: 'settings.get', from: 'window' });
    expect(evil.result.ok).toBe(false);
    await app.send('setWindowUrl', { url: `file://${outDir}/renderer/index.html` });
    expect((await admin<{ paused: boolean }>(s0.url!, 'settings.get')).data.paused).toBe(false);
  });

  it('forwards core events to its window', async () => {
    expect(await chat(s0.url!)).toBe(200);
    const s = await app.waitFor((x) => x.windows[0]!.sent.some((m) => m[0] === 'tollgate:event' && m[1] === 'request.recorded'), 'a forwarded event');
    const msg = s.windows[0]!.sent.find((m) => m[1] === 'request.recorded')!;
    expect(msg[2]).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', status: 200 });
  });

  it('updates the tray from spend (throttled), and copies a setup snippet with the real port', async () => {
    const s = await app.waitFor((x) => !x.tray!.tooltip.includes('Today $0.00'), 'the tooltip to show spend');
    expect(menuLabels(s.tray!.menu)).toContain('gpt-4o-mini — ' + s.tray!.tooltip.match(/Today (\S+)/)![1]);
    const built = s.menusBuilt;
    await Promise.all(Array.from({ length: 60 }, () => chat(s0.url!)));
    const after = await app.waitFor((x) => /Today/.test(x.tray!.tooltip) && x.menusBuilt > built, 'the menu to follow the burst');
    await new Promise((r) => setTimeout(r, 1200));
    const settled = await app.state();
    // 60 requests, a few menus: the feed's throttle (1 s) and the model comparison keep rebuilds rare.
    expect(settled.menusBuilt - built).toBeLessThanOrEqual(4);
    expect(after.menusBuilt).toBeGreaterThan(built);

    await app.send('click', { labels: ['Copy setup for…', 'Claude Code'] });
    const copied = (await app.state()).clipboard.at(-1)!;
    expect(copied).toContain(`export ANTHROPIC_BASE_URL=${s0.url}/anthropic\n`);
  });

  it('toggles hard stop from the menu through to the core and the admin API, and back', async () => {
    await app.send('click', { labels: ['Hard stop enforcement'] });
    const s = await app.waitFor((x) => menuItem(x.tray!.menu, 'Hard stop enforcement')?.checked === false, 'the checkbox to clear');
    expect((await admin<{ hardStopEnforcement: boolean }>(s0.url!, 'settings.get')).data.hardStopEnforcement).toBe(false);
    expect((await admin<{ hardStopEnforcement: boolean }>(s0.url!, 'status.get')).data.hardStopEnforcement).toBe(false);
    expect(s.tray!.image).toBe(path.join(ROOT, 'resources/tray/normal.png'));

    await app.send('click', { labels: ['Hard stop enforcement'] });
    await app.waitFor((x) => menuItem(x.tray!.menu, 'Hard stop enforcement')?.checked === true, 'the checkbox to come back');
    expect((await admin<{ hardStopEnforcement: boolean }>(s0.url!, 'settings.get')).data.hardStopEnforcement).toBe(true);
  });

  it('pauses all traffic from the menu: setting, paused icon, and a way back at the top of the menu', async () => {
    await app.send('click', { labels: ['Pause all AI traffic'] });
    const s = await app.waitFor((x) => x.tray!.image.endsWith('/paused.png'), 'the paused icon');
    expect((await admin<{ paused: boolean }>(s0.url!, 'settings.get')).data.paused).toBe(true);
    expect(menuLabels(s.tray!.menu)[1]).toBe('All AI traffic is paused');
    expect(s.tray!.tooltip.startsWith('Tollgate — paused')).toBe(true);
    await app.send('click', { labels: ['All AI traffic is paused'] });
    await app.waitFor((x) => x.tray!.image.endsWith('/normal.png'), 'the normal icon');
    expect((await admin<{ paused: boolean }>(s0.url!, 'settings.get')).data.paused).toBe(false);
  });

  it('with a real budget: notifies each tier once, and the tray\'s hard-stop toggle decides whether requests pass', async () => {
    const created = await admin<{ id: string }>(s0.url!, 'budgets.create', {
      name: 'Claude Code',
      scope: { provider: 'anthropic' },
      period: { kind: 'month' },
      limitUsd: 0.01,
      hardStopPercent: 100,
    });
    expect(created.ok).toBe(true);
    const id = created.data.id;
    expect(await haiku(s0.url!)).toBe(200);
    let s = await app.waitFor((x) => x.notifications.length === 1, 'the 50% notification');
    expect(s.notifications[0]!.options).toMatchObject({ title: 'Budget "Claude Code" at 50%', urgency: 'normal' });
    expect(s.notifications[0]!.options.body).toMatch(/\$0\.0051 of \$0\.01/);
    s = await app.waitFor((x) => x.tray!.image.endsWith('/notice.png'), 'the ≥50% icon');
    expect(menuLabels(s.tray!.menu)).toContain('Claude Code — $0.01 of $0.01 (51%)');

    // The next call could pass the hard stop at its worst case: blocked while enforcement is on. Not even its
    // input and the floor of output fit, so it is blocked rather than clamped, and the first block of the
    // period fires the hard-stop notification.
    expect(await haiku(s0.url!)).toBe(402);
    s = await app.waitFor((x) => x.notifications.length === 2, 'the hard-stop notification of the first block');
    expect(s.notifications[1]!.options.body).toMatch(/that do not fit in what is left before the stop are now blocked/);
    await app.send('click', { labels: ['Hard stop enforcement'] });
    await app.waitFor((x) => menuItem(x.tray!.menu, 'Hard stop enforcement')?.checked === false, 'enforcement off');
    expect(await haiku(s0.url!)).toBe(200);
    // The block already marked the budget stopped, shown as over its limit while hard stops are off: wait for the spend.
    s = await app.waitFor(
      (x) => x.notifications.length === 4 && x.tray!.image.endsWith('/exceeded.png') && menuLabels(x.tray!.menu).includes('Claude Code — $0.01 of $0.01 (102%) · over limit'),
      '80% and 100% notifications',
    );
    expect(s.notifications.map((n) => n.options.title)).toEqual([
      'Budget "Claude Code" at 50%',
      'Budget "Claude Code" reached its hard stop',
      'Budget "Claude Code" at 80%',
      'Budget "Claude Code" at 100%',
    ]);
    expect(menuLabels(s.tray!.menu)).toContain('Claude Code — $0.01 of $0.01 (102%) · over limit');

    // Enforcement back on: the budget is stopped, the icon says so, requests are refused; no new notifications.
    await app.send('click', { labels: ['Hard stop enforcement'] });
    s = await app.waitFor((x) => x.tray!.image.endsWith('/stopped.png'), 'the stopped icon');
    expect(menuLabels(s.tray!.menu)).toContain('Claude Code — $0.01 of $0.01 (102%) · blocking');
    expect(await haiku(s0.url!)).toBe(402);
    await new Promise((r) => setTimeout(r, 200));
    expect((await app.state()).notifications).toHaveLength(4);

    // The budget's line in the tray opens the dashboard on it.
    await app.send('click', { labels: ['Claude Code — $0.01 of $0.01 (102%) · blocking'] });
    const w = await app.waitFor((x) => x.windows[0]!.sent.some((m) => m[0] === 'tollgate:navigate' && m[1] === `#/budgets/${id}`), 'navigation to the budget');
    expect(w.windows[0]!.visible).toBe(true);
    expect((await admin<{ ok: boolean }>(s0.url!, 'budgets.delete', { id })).ok).toBe(true);
    await app.waitFor((x) => x.tray!.image.endsWith('/normal.png'), 'the normal icon again');
  });

  it('turns a threshold event into exactly one notification, and a click opens the dashboard on that budget', async () => {
    const before = (await app.state()).notifications.length;
    const alert = thresholdAlert({ id: 'smoke:b7:80', budgetId: 'b7' });
    for (let i = 0; i < 5; i++) await app.send('emit', { name: 'budget.alert', payload: alert });
    await app.waitFor((x) => x.notifications.length > before, 'a notification');
    await new Promise((r) => setTimeout(r, 100));
    const all = (await app.state()).notifications.slice(before);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      // The alerts module appends the next step to the body (src/main/core/alerts/format.ts).
      options: { title: alert.title, body: `${alert.body} What to do: review the budget in Tollgate (Budgets) before it stops requests.`, urgency: 'normal', icon: path.join(ROOT, 'resources/icon.png') },
      shown: true,
      clickListeners: 1,
    });

    await app.send('clickNotification', { index: before });
    const after = await app.waitFor((x) => x.windows[0]!.sent.some((m) => m[0] === 'tollgate:navigate' && m[1] === '#/budgets/b7'), 'navigation');
    expect(after.windows).toHaveLength(1);
    expect(after.windows[0]!.visible).toBe(true);
  });

  it('keeps running when the window is closed, and a second launch shows it again', async () => {
    await app.send('closeWindow');
    const s = await app.waitFor((x) => x.windows[0]!.visible === false, 'the window to hide');
    expect(s.windows[0]!.destroyed).toBe(false);
    expect(await chat(s0.url!)).toBe(200);
    await app.send('appEvent', { name: 'second-instance', args: [['tollgate'], '/'] });
    await app.waitFor((x) => x.windows[0]!.visible === true, 'the window to come back');
    expect((await app.state()).windows).toHaveLength(1);
  });

  it('flips "Start at login" through the platform (an XDG autostart entry here)', async () => {
    await app.send('click', { labels: ['Start at login'] });
    await app.waitFor((x) => menuItem(x.tray!.menu, 'Start at login')?.checked === true, 'the login item');
    const file = path.join(userData, '..', 'stub-appData', 'autostart', 'tollgate.desktop');
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^Exec=/m);
    await app.send('click', { labels: ['Start at login'] });
    await app.waitFor((x) => menuItem(x.tray!.menu, 'Start at login')?.checked === false, 'the login item off');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('quits from the menu after stopping the core: the ledger is on disk', async () => {
    const requests = (await admin<{ totals: { requests: number } }>(s0.url!, 'spend.query', { groupBy: [] })).data.totals.requests;
    expect(requests).toBeGreaterThanOrEqual(62);
    await chat(s0.url!);
    await app.send('click', { labels: ['Quit Tollgate'] });
    expect(await app.exited).toBe(0);
    const stored = JSON.parse(fs.readFileSync(path.join(userData, 'tollgate.json'), 'utf8')) as {
      ledger: unknown;
      alerts: { notified: [string, number][] };
      settings: { hardStopEnforcement: boolean };
    };
    expect(JSON.stringify(stored.ledger)).toContain('gpt-4o-mini');
    expect(stored.alerts.notified.map(([id]) => id)).toContain('smoke:b7:80');
    expect(stored.alerts.notified).toHaveLength(5);
    expect(app.output()).not.toMatch(/Error|error/);
  });

  it('after a restart, remembers the ledger and does not notify the same alert again', async () => {
    const again = startStubApp({ outDir, userData, env: { TOLLGATE_OPENAI_BASE_URL: upstream.url } });
    try {
      const s = await again.waitFor(ready, 'the restarted app');
      expect(s.tray!.tooltip).not.toContain('Today $0.00');
      await again.send('emit', { name: 'budget.alert', payload: thresholdAlert({ id: 'smoke:b7:80', budgetId: 'b7' }) });
      await again.send('emit', { name: 'budget.alert', payload: thresholdAlert({ id: 'smoke:b7:100', budgetId: 'b7', tier: 100, title: 'Claude Code budget at 100%' }) });
      const after = await again.waitFor((x) => x.notifications.length > 0, 'the new alert');
      await new Promise((r) => setTimeout(r, 100));
      expect((await again.state()).notifications.map((n) => n.options.title)).toEqual(['Claude Code budget at 100%']);
      expect(after.notifications[0]!.options.urgency).toBe('critical');
    } finally {
      await again.kill();
    }
  });

  it('a second instance hands over and quits without starting anything', async () => {
    const second = startStubApp({ outDir, userData: tempDir('tollgate-second-'), env: { STUB_LOCK: '0' } });
    expect(await second.exited).toBe(0);
    expect(second.output()).toBe('');
  });
});
