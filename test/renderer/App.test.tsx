import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusDto } from '../../src/main/contract/api';
import { App } from '../../src/renderer/src/App';
import { createFakeTransport } from './support/fake-transport';
import { PROVIDERS, settings, status, T0 } from './support/fixtures';
import { renderWithStore } from './support/render';

let done: (() => void) | null = null;
afterEach(() => {
  done?.();
  cleanup();
});

const TEAM = { redis: 'redis://team.example:6379/', downSince: T0, pendingReplay: 3, instanceId: 'i1', failModes: {}, defaultFailModes: { hardStop: 'closed' as const, noHardStop: 'open' as const } };

function core(s: StatusDto) {
  return createFakeTransport({
    'status.get': () => s,
    'settings.get': () => settings(),
    'keys.list': () => [],
    'providers.list': () => PROVIDERS,
    'requests.recent': () => [],
    'budgets.list': () => [],
  });
}

describe('the team link badge', () => {
  it('shows while team mode’s link is down, and goes when it is back', async () => {
    const t = core(status({ team: { ...TEAM, link: 'down' } }));
    const r = await renderWithStore(<App />, t, T0);
    done = r.unmount;
    expect(screen.getByText('team link down')).toBeTruthy();
    await act(async () => {
      t.emit('status.changed', status({ team: { ...TEAM, link: 'up', downSince: null, pendingReplay: 0 } }));
      await new Promise((res) => setTimeout(res, 30));
    });
    expect(screen.queryByText('team link down')).toBeNull();
  });

  it('is absent outside team mode', async () => {
    done = (await renderWithStore(<App />, core(status()), T0)).unmount;
    expect(screen.queryByText('team link down')).toBeNull();
  });
});
