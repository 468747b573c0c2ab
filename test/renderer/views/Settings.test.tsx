import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Settings as SettingsDto } from '../../../src/main/contract/settings';
import { ApiError } from '../../../src/renderer/src/api/errors';
import { Settings } from '../../../src/renderer/src/views/Settings';
import { createFakeTransport } from '../support/fake-transport';
import { PROVIDERS, settings, status, T0 } from '../support/fixtures';
import { renderWithStore } from '../support/render';

let done: (() => void) | null = null;
afterEach(() => {
  done?.();
  cleanup();
  vi.restoreAllMocks();
});

const updates: Partial<SettingsDto>[] = [];

function core(s: SettingsDto) {
  return createFakeTransport({
    'status.get': () => status(),
    'settings.get': () => s,
    'keys.list': () => [],
    'providers.list': () => PROVIDERS,
    'requests.recent': () => [],
    'settings.update': (patch) => {
      updates.push(patch);
      if (patch.clampFloorOutputTokens === 5_000_000) throw new ApiError({ code: 'invalid', field: 'clampFloorOutputTokens', message: 'clampFloorOutputTokens: must be at most the output assumed when unset' });
      if (patch.timezone === 'Mars/Olympus') throw new Error('timezone: "Mars/Olympus" is not a time zone; use "local", "UTC" or a name like "Europe/Berlin"');
      Object.assign(s, patch);
      return { ...s };
    },
    'export.requests': (r) => ({ filename: `tollgate-requests-${r.from}-to-${r.to}.csv`, csv: 'id\r\nreq_1\r\n', rows: 1, missing: 4, note: '4 of the 5 requests in this range are not in the file: …' }),
  });
}

describe('settings', () => {
  it('switches hard stop enforcement off through the core', async () => {
    const s = settings();
    done = (await renderWithStore(<Settings />, core(s), T0)).unmount;
    const sw = screen.getByRole('switch', { name: /Hard stop enforcement/ }) as HTMLInputElement;
    expect(sw.checked).toBe(true);
    await userEvent.setup().click(sw);
    expect(s.hardStopEnforcement).toBe(false);
    expect(((await screen.findByRole('switch', { name: /Hard stop enforcement/ })) as HTMLInputElement).checked).toBe(false);
  });

  it('shows a bad time zone on its field', async () => {
    done = (await renderWithStore(<Settings />, core(settings()), T0)).unmount;
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText('Time zone'));
    await user.type(screen.getByLabelText('Time zone'), 'Mars/Olympus');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('"Mars/Olympus" is not a time zone; use "local", "UTC" or a name like "Europe/Berlin"')).toBeTruthy();
    expect(screen.getByLabelText('Time zone').getAttribute('aria-invalid')).toBe('true');
  });

  it('in the browser, exports requests as a download streamed from the history, for whole days of the dashboard zone', async () => {
    const hrefs: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      hrefs.push(this.getAttribute('href') ?? '');
    });
    done = (await renderWithStore(<Settings />, core(settings()), T0)).unmount;
    await userEvent.setup().click(screen.getByRole('button', { name: 'Export requests (CSV)' }));
    expect(await screen.findByText(/Downloading every request from 2026-11-01 to 2026-11-28/)).toBeTruthy();
    expect(hrefs).toEqual([`/api/history/export?format=csv&from=${Date.UTC(2026, 10, 1)}&to=${Date.UTC(2026, 10, 29)}`]);
  });

  it('in the app, saves the requests of the range to a file through history.saveExport', async () => {
    const asked: unknown[] = [];
    const transport = createFakeTransport(
      {
        ...core(settings()).handlers,
        'history.saveExport': (input) => {
          asked.push(input);
          return { file: '/home/ana/requests.csv', rows: 1234, bytes: 99_000 };
        },
      },
      { kind: 'ipc' },
    );
    done = (await renderWithStore(<Settings />, transport, T0)).unmount;
    await userEvent.setup().click(screen.getByRole('button', { name: 'Export requests (CSV)' }));
    expect(await screen.findByText('Saved 1,234 requests to /home/ana/requests.csv.')).toBeTruthy();
    expect(asked).toEqual([{ format: 'csv', from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 29) }]);
  });

  it('edits the clamp floor with the budget defaults, naming a bad value on its field', async () => {
    const s = settings();
    done = (await renderWithStore(<Settings />, core(s), T0)).unmount;
    const user = userEvent.setup();
    const floor = screen.getByLabelText('Least output before a block, tokens') as HTMLInputElement;
    expect(floor.value).toBe('1024');
    const save = screen.getByRole('button', { name: 'Save defaults' });
    const fieldError = () => document.getElementById((floor.getAttribute('aria-describedby') ?? '').split(' ').find((id) => document.getElementById(id)?.classList.contains('field-error')) ?? '')?.textContent ?? null;

    updates.length = 0;
    for (const bad of ['0', '1.5', 'lots', '', '20000000']) {
      await user.clear(floor);
      if (bad) await user.type(floor, bad);
      await user.click(save);
      expect(floor.getAttribute('aria-invalid'), bad).toBe('true');
      expect(fieldError(), bad).toBe('A whole number of tokens from 1 to 10,000,000, e.g. 1024.');
    }
    expect(updates).toHaveLength(0);

    await user.clear(floor);
    await user.type(floor, '2,048');
    await user.click(save);
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(updates.at(-1)).toMatchObject({ clampFloorOutputTokens: 2048 });
    expect(s.clampFloorOutputTokens).toBe(2048);
    expect(floor.getAttribute('aria-invalid')).not.toBe('true');

    // The engine's own refusal lands on the field too.
    await user.clear(floor);
    await user.type(floor, '5000000');
    await user.click(save);
    expect(await screen.findByText('must be at most the output assumed when unset')).toBeTruthy();
    expect(floor.getAttribute('aria-invalid')).toBe('true');
  });
});
