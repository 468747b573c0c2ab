/**
 * The real app in the real Electron, driven by Playwright's _electron: launch, tray state, open the dashboard,
 * toggle hard stop. Needs the Electron binary, which `ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install` leaves out
 * (and which cannot be downloaded on offline machines): there the suite reports itself skipped, with the reason.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrayModel } from '../../src/main/core/tray/tray-model.js';
import type { TollgateBridge } from '../../src/preload/index.d';

const ROOT = path.resolve(__dirname, '../..');
// Page functions run in the window and reach the bridge as globalThis.tollgate (this file has no DOM types).

function electronBinary(): { path: string | null; reason: string } {
  try {
    // The electron package's main export is the binary's path; it throws when the download never happened.
    const p = createRequire(import.meta.url)('electron') as unknown as string;
    return fs.existsSync(p) ? { path: p, reason: '' } : { path: null, reason: `no Electron binary at ${p}` };
  } catch (err) {
    return { path: null, reason: `no Electron binary (${(err as Error).message.split('\n')[0]}); install without ELECTRON_SKIP_BINARY_DOWNLOAD to run it` };
  }
}

const electron = electronBinary();
if (!electron.path) console.warn(`Electron end-to-end tests skipped: ${electron.reason}`);

declare global {
  // The app's test hooks (TOLLGATE_TEST_HOOKS=1, src/main/index.ts).
  var __tollgate: { feed: { current: TrayModel | null }; dispatch: (a: unknown) => void } | undefined;
}

describe.skipIf(!electron.path)(`the Electron app end to end${electron.path ? '' : ` (skipped: ${electron.reason})`}`, () => {
  let app: ElectronApplication;
  let userData: string;

  beforeAll(async () => {
    execFileSync(path.join(ROOT, 'node_modules/.bin/electron-vite'), ['build', '--logLevel', 'error'], { cwd: ROOT, stdio: 'pipe' });
    userData = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-e2e-'));
    app = await _electron.launch({
      executablePath: electron.path!,
      args: [ROOT, `--user-data-dir=${userData}`, ...(process.env.CI ? ['--no-sandbox'] : [])],
      env: { ...process.env, TOLLGATE_TEST_HOOKS: '1', TOLLGATE_PORT: '0' },
      cwd: ROOT,
    });
    await app.evaluate(async () => {
      for (let i = 0; i < 200 && !globalThis.__tollgate?.feed.current; i++) await new Promise((r) => setTimeout(r, 50));
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    if (userData) fs.rmSync(userData, { recursive: true, force: true });
  });

  const trayModel = () => app.evaluate(() => globalThis.__tollgate!.feed.current!);
  const checked = (m: TrayModel, label: string) => m.menu.find((i) => i.kind === 'checkbox' && i.label === label) as { checked: boolean } | undefined;

  it('starts in the tray with no window, the normal icon and the hard stop on', async () => {
    expect(app.windows()).toHaveLength(0);
    const m = await trayModel();
    expect(m.icon).toBe('normal');
    expect(checked(m, 'Hard stop enforcement')?.checked).toBe(true);
    expect(await app.evaluate(({ app: a }) => a.hasSingleInstanceLock())).toBe(true);
  });

  let page: Page;
  it('opens the dashboard from the tray, sandboxed, with the contract on window.tollgate', async () => {
    const opened = app.waitForEvent('window');
    await app.evaluate(() => globalThis.__tollgate!.dispatch({ type: 'open-dashboard' }));
    page = await opened;
    await page.waitForLoadState('domcontentloaded');
    expect(await page.title()).toBe('Tollgate');
    const probe = await page.evaluate(async () => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      methods: Object.keys((globalThis as unknown as { tollgate?: object }).tollgate ?? {}).length,
      status: await (globalThis as unknown as { tollgate: TollgateBridge }).tollgate['status.get'](),
    }));
    expect(probe.require).toBe('undefined');
    expect(probe.process).toBe('undefined');
    expect(probe.methods).toBeGreaterThan(10);
    expect(probe.status.hardStopEnforcement).toBe(true);
  });

  it('toggles hard stop from the tray: the core, the dashboard and the menu agree', async () => {
    await app.evaluate(() => globalThis.__tollgate!.dispatch({ type: 'set-hard-stop', value: false }));
    await expect.poll(async () => checked(await trayModel(), 'Hard stop enforcement')?.checked).toBe(false);
    const settings = await page.evaluate(() => (globalThis as unknown as { tollgate: TollgateBridge }).tollgate['settings.get']());
    expect(settings.hardStopEnforcement).toBe(false);
  });

  it('keeps running when the window is closed', async () => {
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    const windows = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => ({ visible: w.isVisible(), destroyed: w.isDestroyed() })));
    expect(windows).toEqual([{ visible: false, destroyed: false }]);
    expect((await trayModel()).menu.length).toBeGreaterThan(5);
  });
});
