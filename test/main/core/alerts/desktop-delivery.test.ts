/**
 * Real notification delivery: the core's alerts module with node-notifier (notify-send on Linux) showing
 * notifications to a real notification daemon (dunst) on a virtual X display, read back with `dunstctl history`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeNotifier } from '../../../../src/main/core/alerts/node-notifier.js';
import { desktopUnavailable, startDesktopSession, type DesktopSession } from '../../../support/desktop-session.js';
import { startFakeUpstream } from '../../../support/fake-upstream.js';
import { thresholdAlert } from '../../../support/fixtures.js';
import { startTollgate, tempDir, type Tollgate } from '../../../support/harness.js';
import { buildApp } from '../../../support/stub-app.js';

const unavailable = desktopUnavailable();
if (unavailable) console.warn(`desktop notification delivery tests skipped: ${unavailable}`);

const ICON = path.resolve(__dirname, '../../../../resources/icon.png');

describe.skipIf(unavailable)(`desktop notifications through node-notifier and dunst${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let desktop: DesktopSession;
  let t: Tollgate;
  const saved: Record<string, string | undefined> = {};
  const cleanup: (() => void)[] = [];

  beforeAll(async () => {
    desktop = await startDesktopSession();
    // notify-send is started by node-notifier with this process's environment.
    for (const [k, v] of Object.entries(desktop.env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    t = await startTollgate({ core: { notifier: createNodeNotifier({ icon: ICON }) } });
  }, 30_000);

  afterAll(async () => {
    for (const c of cleanup) c();
    await t?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await desktop?.stop();
  });

  async function until(check: () => Promise<boolean>, what: string) {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  // The next step the alerts module appends to each body (format.ts, nextStep).
  const REVIEW = 'What to do: review the budget in Tollgate (Budgets) before it stops requests.';
  const RAISE = 'What to do: raise the limit or add a temporary override in Tollgate (Budgets).';

  it('shows each alert once on the desktop, with its title, body and app name', async () => {
    const threshold = thresholdAlert();
    const stop = thresholdAlert({
      id: 'b1:2026-01:hard',
      kind: 'hard-stop',
      tier: 120,
      spentUsd: 72.4,
      title: 'Claude Code budget: hard stop at $72.00',
      body: 'Requests on key Claude Code are blocked until Feb 1.',
    });
    for (let i = 0; i < 3; i++) t.core.events.emit('budget.alert', threshold);
    t.core.events.emit('budget.alert', stop);
    t.core.events.emit('budget.alert', stop);
    await until(async () => (await desktop.displayed()) >= 2, 'two notifications on screen');
    await new Promise((r) => setTimeout(r, 300));
    // Two notify-send processes race; which one dunst got first does not matter.
    const bySummary = (a: { summary: string }, b: { summary: string }) => (a.summary < b.summary ? -1 : 1);
    expect((await desktop.history()).sort(bySummary)).toEqual(
      [
        { summary: threshold.title, body: `${threshold.body} ${REVIEW}`, bodyText: `${threshold.body} ${REVIEW}`, appname: 'Tollgate', iconPath: ICON },
        { summary: stop.title, body: `${stop.body} ${RAISE}`, bodyText: `${stop.body} ${RAISE}`, appname: 'Tollgate', iconPath: ICON },
      ].sort(bySummary),
    );
  });

  it('shows text from budget names as written: nothing reaches a shell, markup and escapes stay text', async () => {
    const marker = path.join(os.tmpdir(), `tollgate-pwned-${process.pid}-${Date.now()}`);
    const title = `R&D "A" <b>x</b> $(touch ${marker}) \`touch ${marker}\` C:\\budgets at 50%`;
    const body = `R&D <team> spent $30.00 of $60.00; 'quote' C:\\tmp \\n; $(touch ${marker})\nsecond line`;
    t.core.events.emit('budget.alert', thresholdAlert({ id: 'evil:50', tier: 50, title, body }));
    await until(async () => (await desktop.history()).some((n) => n.summary === title), 'the notification with shell characters');
    const got = (await desktop.history()).find((n) => n.summary === title)!;
    expect(got.summary).toBe(title);
    expect(got.bodyText).toBe(`${body}. ${REVIEW}`);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('headless mode (npm run serve, the built bundle) notifies too: a real budget crossing 50% shows on the desktop', async () => {
    const upstream = await startFakeUpstream();
    const dataDir = tempDir();
    const root = path.resolve(__dirname, '../../../..');
    const outDir = buildApp();
    cleanup.push(() => fs.rmSync(outDir, { recursive: true, force: true }));
    const child = spawn(process.execPath, [path.join(outDir, 'main/headless.js'), '--port', '0', '--data-dir', dataDir], {
      cwd: root,
      env: { ...process.env, ...desktop.env, TOLLGATE_ANTHROPIC_BASE_URL: upstream.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await until(async () => /listening on (\S+)/.test(out), 'headless to listen');
      const url = /listening on (\S+)/.exec(out)![1]!;
      const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
      const admin = (channel: string, input: unknown) =>
        fetch(`${url}/api/${channel}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
      expect((await admin('budgets.create', { name: 'Headless team', scope: { provider: 'anthropic' }, period: { kind: 'month' }, limitUsd: 0.01 })).status).toBe(200);
      const res = await fetch(`${url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': 'sk-ant-headless-0001', 'content-type': 'application/json', 'x-fake': JSON.stringify({ usage: { input_tokens: 100, output_tokens: 1000 } }) },
        body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      await until(async () => (await desktop.history()).some((n) => n.summary === 'Budget "Headless team" at 50%'), 'the headless notification');
      const n = (await desktop.history()).find((x) => x.summary === 'Budget "Headless team" at 50%')!;
      expect(n.appname).toBe('Tollgate');
      expect(n.iconPath).toBe(ICON);
      expect(n.bodyText).toMatch(/^\$0\.0051 of \$0\.010 this month\./);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await upstream.close();
    }
  });
});
