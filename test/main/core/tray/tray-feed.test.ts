import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrayFeed, type TrayFeed } from '../../../../src/main/core/tray/tray-feed.js';
import type { MenuItemModel, TrayModel } from '../../../../src/main/core/tray/tray-model.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';
import { formatUsd } from '../../../../src/main/core/util/money.js';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, type Tollgate } from '../../../support/harness.js';

const labels = (items: MenuItemModel[]): string[] => items.flatMap((i) => (i.kind === 'separator' ? [] : i.kind === 'submenu' ? [i.label, ...labels(i.items)] : [i.label]));
const checkbox = (m: TrayModel, label: string) => m.menu.find((i) => i.kind === 'checkbox' && i.label === label) as Extract<MenuItemModel, { kind: 'checkbox' }>;

let upstream: FakeUpstream;
let t: Tollgate;
let feed: TrayFeed;
const models: TrayModel[] = [];
const INTERVAL = 250;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  t = await startTollgate({ upstream: upstream.url });
  feed = createTrayFeed({
    api: t.core.api,
    events: t.core.events,
    // The forecast line projects from the time of day, so on a running clock it may read differently a second
    // later (CI once saw it change between two refreshes); a clock held at the test's start keeps it still.
    clock: createManualClock(Date.now()),
    log: t.log,
    platform: 'linux',
    openAtLogin: () => false,
    onModel: (m) => models.push(m),
    intervalMs: INTERVAL,
  });
  await feed.start();
});

afterAll(async () => {
  feed.stop();
  await t.stop();
  await upstream.close();
});

async function chat(model: string) {
  const res = await fetch(`${t.url}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-test-tray-feed-0001', 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.arrayBuffer();
  expect(res.status).toBe(200);
}

async function until(check: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the tray feed', () => {
  it('publishes a first model from the API at start, with the setup snippets on the real port', () => {
    expect(models).toHaveLength(1);
    const m = models[0]!;
    expect(m.icon).toBe('normal');
    expect(labels(m.menu)[0]).toMatch(/^Today \$0\.00 · [A-Z][a-z]+ \$0\.00$/);
    // No spend yet: no forecast to make, rather than a confident $0.
    expect(labels(m.menu).some((l) => l.startsWith('Forecast'))).toBe(false);
    const claude = m.menu.find((i) => i.kind === 'submenu')!;
    const text = JSON.stringify(claude);
    expect(text).toContain(`export ANTHROPIC_BASE_URL=${t.url}/anthropic`);
  });

  it('follows a burst of 300 requests with a handful of refreshes, ending on the true totals', async () => {
    const before = { ...feed.stats };
    const published = models.length;
    const started = performance.now();
    const queue = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 'gpt-4o' : 'gpt-4o-mini'));
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let m = queue.pop(); m; m = queue.pop()) await chat(m);
      }),
    );
    const elapsed = performance.now() - started;
    const month = (await t.core.api['spend.query']({ groupBy: [] })).totals;
    expect(month.requests).toBe(300);
    const expected = `Today ${formatUsd(month.costUsd)}`;
    await until(() => labels(models.at(-1)!.menu)[0]!.startsWith(expected));

    const refreshes = feed.stats.refreshes - before.refreshes;
    const asked = feed.stats.requests - before.requests;
    // Every recorded request asked for a refresh; the throttle let through about one per interval.
    expect(asked).toBeGreaterThanOrEqual(300);
    expect(refreshes).toBeLessThanOrEqual(Math.ceil((elapsed + 500) / INTERVAL) + 2);
    expect(models.length - published).toBeLessThanOrEqual(refreshes);
    console.log(`tray feed: 300 requests in ${Math.round(elapsed)} ms asked for ${asked} refreshes; ${refreshes} ran, ${models.length - published} models published`);

    const last = labels(models.at(-1)!.menu);
    // All the spend is from the last few seconds: the forecast says it rests on under 3 days, and projects at least what was spent.
    const forecast = last[1]!.match(/^Forecast for [A-Z][a-z]+: ≈ \$([\d,.]+) \(under 3 whole days of data\)$/);
    expect(forecast).not.toBeNull();
    expect(Number(forecast![1]!.replace(/,/g, ''))).toBeGreaterThanOrEqual(Number(formatUsd(month.costUsd).slice(1).replace(/,/g, '')));
    expect(last).toContain(`gpt-4o — ${formatUsd((await t.core.api['spend.query']({ model: 'gpt-4o', groupBy: [] })).totals.costUsd)}`);
    // The passthrough key shows under its redacted label with all of this month's spend (the only key used).
    const [k] = await t.core.api['keys.list']();
    expect(k).toMatchObject({ kind: 'passthrough', provider: 'openai' });
    expect(last).toContain(`openai ${k!.label} — ${formatUsd(month.costUsd)}`);
  });

  it('publishes nothing when nothing visible changed', async () => {
    // Settled first: under load, a refresh of the burst above can still be due (its trailing edge), and rightly
    // publishes what the burst's last requests changed.
    await feed.refreshNow();
    await new Promise((r) => setTimeout(r, INTERVAL * 2));
    const n = models.length;
    feed.request();
    await new Promise((r) => setTimeout(r, INTERVAL * 2));
    await feed.refreshNow();
    expect(models.length).toBe(n);
  });

  it('reflects a settings change at once when asked (the tray\'s own toggles)', async () => {
    expect(checkbox(models.at(-1)!, 'Hard stop enforcement').checked).toBe(true);
    await t.core.api['settings.update']({ hardStopEnforcement: false, paused: true });
    const m = await feed.refreshNow();
    expect(checkbox(m, 'Hard stop enforcement').checked).toBe(false);
    expect(checkbox(m, 'Pause all AI traffic').checked).toBe(true);
    expect(m.icon).toBe('paused');
    await t.core.api['settings.update']({ hardStopEnforcement: true, paused: false });
  });

  it('stops listening when stopped', async () => {
    feed.stop();
    const n = feed.stats.refreshes;
    await chat('gpt-4o-mini');
    await new Promise((r) => setTimeout(r, INTERVAL * 2));
    expect(feed.stats.refreshes).toBe(n);
  });
});
