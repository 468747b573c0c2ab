import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoutingToolStatus, SubscriptionWindowsDto } from '../../../src/main/contract/api';
import { CodingTools } from '../../../src/renderer/src/views/CodingTools';
import { createFakeTransport } from '../support/fake-transport';
import { settings, status, T0 } from '../support/fixtures';
import { renderWithStore } from '../support/render';

let done: (() => void) | null = null;
afterEach(() => {
  done?.();
  cleanup();
});

const tool = (over: Partial<RoutingToolStatus>): RoutingToolStatus => ({
  tool: 'claude-code',
  name: 'Claude Code',
  file: '/h/.claude/settings.json',
  state: 'not-routed',
  managed: false,
  baseUrl: null,
  wantedBaseUrl: 'http://127.0.0.1:4848/anthropic',
  backup: null,
  message: null,
  ...over,
});

function fake() {
  const tools = [tool({}), tool({ tool: 'codex', name: 'Codex', file: '/h/.codex/config.toml', state: 'malformed', message: 'Tollgate cannot read /h/.codex/config.toml: it is not valid TOML (x). Fix it by hand; Tollgate will not write it.' })];
  const windows: SubscriptionWindowsDto = {
    now: T0,
    claude: { current: { start: T0 - 3600_000, end: T0 + 4 * 3600_000, lastAt: T0, costUsd: 7.5, tokens: 120_000, calls: 12, timeLeftMs: 4 * 3600_000, percent: null }, recent: [], week: { costUsd: 55, tokens: 900_000, calls: 80 }, limitUsd: null, suggestedLimitUsd: 21.25 },
    codex: { at: T0, limitId: 'codex', planType: 'plus', primary: { usedPercent: 42.5, windowMinutes: 300, resetsAt: T0 + 3600_000 }, secondary: null },
  };
  return createFakeTransport({
    'status.get': () => status(),
    'settings.get': () => settings(),
    'routing.status': () => ({ tools: tools.map((t) => ({ ...t })) }),
    'routing.apply': ({ tool: id }) => {
      const t = tools.find((x) => x.tool === id)!;
      if (t.state === 'malformed') throw new Error(t.message!);
      Object.assign(t, { state: 'routed', managed: true, baseUrl: t.wantedBaseUrl });
      return t;
    },
    'routing.undo': ({ tool: id }) => Object.assign(tools.find((x) => x.tool === id)!, { state: 'not-routed', managed: false, baseUrl: null }),
    'subscriptions.get': () => windows,
    'subscriptions.setLimit': ({ claudeWindowUsd }) => {
      windows.claude.limitUsd = claudeWindowUsd;
      windows.claude.current!.percent = claudeWindowUsd ? (7.5 / claudeWindowUsd) * 100 : null;
      return windows;
    },
    'codingLogs.importNow': () => ({ recorded: 3, enabled: true }),
  });
}

describe('coding tools panel', () => {
  it('routes Claude Code and undoes it, and explains a file it will not write', async () => {
    const t = fake();
    done = (await renderWithStore(<CodingTools />, t, T0)).unmount;
    const user = userEvent.setup();
    expect(await screen.findByText('settings file cannot be read')).toBeTruthy();
    expect(screen.getByText(/not valid TOML/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Route Codex through Tollgate' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Route Claude Code through Tollgate' }));
    expect(await screen.findByText('routed through Tollgate')).toBeTruthy();
    expect(t.calls.filter((c) => c.channel === 'routing.apply')).toEqual([{ channel: 'routing.apply', input: { tool: 'claude-code' } }]);
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByRole('button', { name: 'Route Claude Code through Tollgate' })).toBeTruthy();
  });

  it('shows the windows, offers the largest window as the limit, and imports the last 30 days', async () => {
    const t = fake();
    done = (await renderWithStore(<CodingTools />, t, T0)).unmount;
    const user = userEvent.setup();
    expect(await screen.findByText(/This five-hour window/)).toBeTruthy();
    expect(screen.getByText('42.5% used')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: /Use the largest window seen \(\$21\.25\)/ }));
    expect(t.calls.find((c) => c.channel === 'subscriptions.setLimit')?.input).toEqual({ claudeWindowUsd: 21.25 });
    expect(await screen.findByText(/35% of \$21\.25/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Import last 30 days' }));
    expect(await screen.findByText('Imported 3 new calls from the last 30 days.')).toBeTruthy();
  });
});
