import { describe, expect, it } from 'vitest';
import type { RoutingToolStatus, SubscriptionWindowsDto } from '../../../../src/main/contract/routing.js';
import { codingToolsMenu } from '../../../../src/main/core/tray/coding-tools-menu.js';

const NOW = Date.UTC(2026, 10, 30, 12, 0);
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

const windows: SubscriptionWindowsDto = {
  now: NOW,
  claude: {
    current: { start: NOW - 2 * 3600_000, end: NOW + 3 * 3600_000 - 5 * 60_000, lastAt: NOW, costUsd: 12.5, tokens: 1000, calls: 9, timeLeftMs: 3 * 3600_000 - 5 * 60_000, percent: 62.5 },
    recent: [],
    week: { costUsd: 80, tokens: 9000, calls: 120 },
    limitUsd: 20,
    suggestedLimitUsd: 18,
  },
  codex: { at: NOW, limitId: 'codex', planType: 'plus', primary: { usedPercent: 42.5, windowMinutes: 300, resetsAt: NOW + 90 * 60_000 }, secondary: { usedPercent: 7, windowMinutes: 10080, resetsAt: NOW + 4 * 24 * 3600_000 } },
};

describe('tray: coding tools', () => {
  it('shows the windows, and one routing item per tool that routes or undoes', () => {
    const [menu] = codingToolsMenu({ routing: [tool({}), tool({ tool: 'codex', name: 'Codex', state: 'routed', managed: true })], windows });
    expect(menu).toMatchObject({ kind: 'submenu', label: 'Coding tools' });
    const items = (menu as { items: unknown[] }).items;
    expect(items).toEqual([
      { kind: 'label', label: 'Claude Code 5 h window: $12.50 of $20.00 (63%), 2 h 55 min left' },
      { kind: 'label', label: 'Claude Code last 7 days: $80.00 (120 calls)' },
      { kind: 'label', label: 'Codex 5 h limit: 43% used, resets in 1 h 30 min' },
      { kind: 'label', label: 'Codex weekly limit: 7% used, resets in 96 h 00 min' },
      { kind: 'separator' },
      { kind: 'checkbox', label: 'Route Claude Code through Tollgate', checked: false, action: { type: 'route-tool', tool: 'claude-code', undo: false } },
      { kind: 'checkbox', label: 'Route Codex through Tollgate', checked: true, action: { type: 'route-tool', tool: 'codex', undo: true } },
    ]);
  });

  it('a file Tollgate may not write opens the dashboard instead of writing', () => {
    const [menu] = codingToolsMenu({ routing: [tool({ state: 'malformed' }), tool({ tool: 'codex', name: 'Codex', state: 'changed', managed: true })], windows: null });
    expect((menu as { items: unknown[] }).items).toEqual([
      { kind: 'label', label: 'Claude Code: not routed, its settings file cannot be read…', action: { type: 'open-dashboard', view: 'settings' } },
      { kind: 'label', label: 'Codex: not routed, its settings file was changed by hand…', action: { type: 'open-dashboard', view: 'settings' } },
    ]);
  });

  it('nothing when the core offers no routing', () => {
    expect(codingToolsMenu(null)).toEqual([]);
  });
});
