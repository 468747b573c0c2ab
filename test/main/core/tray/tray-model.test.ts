import { describe, expect, it } from 'vitest';
import {
  buildTrayModel,
  ICON_STATES,
  MAX_BUDGET_ITEMS,
  trayIconState,
  type MenuItemModel,
  type TrayState,
} from '../../../../src/main/core/tray/tray-model.js';
import { setupSnippets } from '../../../../src/shared/setup-snippets.js';
import { budgetStatus, key, row, totals } from '../../../support/fixtures.js';

function state(o: Partial<TrayState> = {}): TrayState {
  return {
    budgets: [],
    keys: [],
    today: totals(),
    month: totals(),
    monthByKey: [],
    monthByModel: [],
    monthName: 'January',
    hardStopEnforcement: true,
    paused: false,
    openAtLogin: false,
    setups: setupSnippets([{ id: 'anthropic', proxyUrl: 'http://127.0.0.1:4848/anthropic' }, { id: 'openai', proxyUrl: 'http://127.0.0.1:4848/openai/v1' }], { platform: 'linux' }),
    ...o,
  };
}

const labels = (items: MenuItemModel[]): string[] =>
  items.flatMap((i) => (i.kind === 'separator' ? ['---'] : i.kind === 'submenu' ? [i.label, ...labels(i.items).map((l) => '  ' + l)] : [i.label]));
const find = (items: MenuItemModel[], label: string) => items.find((i) => i.kind !== 'separator' && i.label === label);

describe('tray icon state', () => {
  it('is normal with no budgets, and with budgets under half', () => {
    expect(trayIconState(state())).toBe('normal');
    expect(trayIconState(state({ budgets: null }))).toBe('normal');
    expect(trayIconState(state({ budgets: [budgetStatus({ percent: 49.9 })] }))).toBe('normal');
  });

  it.each([
    [50, 'notice'],
    [79.99, 'notice'],
    [80, 'warning'],
    [99.5, 'warning'],
    [100, 'exceeded'],
    [150, 'exceeded'],
  ] as const)('at %s%% shows %s', (percent, expected) => {
    expect(trayIconState(state({ budgets: [budgetStatus({ percent })] }))).toBe(expected);
  });

  it('shows the worst budget, whichever order they come in', () => {
    const budgets = [budgetStatus({ percent: 10 }), budgetStatus({ percent: 85, budget: { id: 'b2' } }), budgetStatus({ percent: 55, budget: { id: 'b3' } })];
    expect(trayIconState(state({ budgets }))).toBe('warning');
    expect(trayIconState(state({ budgets: [...budgets].reverse() }))).toBe('warning');
  });

  it('trusts the engine state when it is worse than the percent says (custom tiers, guardrails)', () => {
    expect(trayIconState(state({ budgets: [budgetStatus({ percent: 30, state: 'warning' })] }))).toBe('warning');
    const guard = budgetStatus({ percent: 20, guardrail: { limitUsd: 6, spentUsd: 6.5, percent: 108, resetsAt: 0 } });
    expect(trayIconState(state({ budgets: [guard] }))).toBe('exceeded');
  });

  it('shows hard-stopped only while hard stops are enforced', () => {
    const budgets = [budgetStatus({ percent: 121, state: 'stopped' })];
    expect(trayIconState(state({ budgets }))).toBe('stopped');
    expect(trayIconState(state({ budgets, hardStopEnforcement: false }))).toBe('exceeded');
  });

  it('shows paused above everything, even a hard stop', () => {
    expect(trayIconState(state({ paused: true }))).toBe('paused');
    expect(trayIconState(state({ paused: true, budgets: [budgetStatus({ percent: 130, state: 'stopped' })] }))).toBe('paused');
  });

  it('ignores disabled budgets', () => {
    expect(trayIconState(state({ budgets: [budgetStatus({ percent: 130, state: 'stopped', budget: { enabled: false } })] }))).toBe('normal');
  });

  it('has an order of severity in which paused is last', () => {
    expect(ICON_STATES).toEqual(['normal', 'notice', 'warning', 'exceeded', 'stopped', 'paused']);
  });
});

describe('tray menu', () => {
  it('with no budgets and no spend offers to set one up, and still has every control', () => {
    const m = buildTrayModel(state());
    expect(labels(m.menu)).toEqual([
      'Today $0.00 · January $0.00',
      '---',
      'Budgets',
      'No budgets yet: set one up…',
      '---',
      'Hard stop enforcement',
      'Pause all AI traffic',
      '---',
      'Open dashboard',
      'Copy setup for…',
      '  Claude Code',
      '  Codex CLI',
      '  OpenAI SDK',
      '  Anthropic SDK',
      '---',
      'Start at login',
      'Quit Tollgate',
    ]);
    expect(find(m.menu, 'No budgets yet: set one up…')).toMatchObject({ action: { type: 'open-dashboard' } });
    expect(m.icon).toBe('normal');
    expect(m.tooltip).toBe('Tollgate\nToday $0.00 · January $0.00');
  });

  it('says so when the budget engine is not in this build', () => {
    expect(labels(buildTrayModel(state({ budgets: null })).menu)).toContain('Budgets are not available in this build');
  });

  it('lists budgets fullest first, in the "name — spent of limit (percent)" form, each opening its page', () => {
    const m = buildTrayModel(
      state({
        budgets: [
          budgetStatus({ budget: { id: 'b2', name: 'Nightly agents', limitUsd: 25 }, spentUsd: 5, percent: 20 }),
          budgetStatus({ budget: { id: 'b1', name: 'Claude Code', limitUsd: 60 }, spentUsd: 41.2, percent: (41.2 / 60) * 100 }),
        ],
      }),
    );
    const items = labels(m.menu);
    const at = items.indexOf('Budgets');
    expect(items.slice(at + 1, at + 3)).toEqual(['Claude Code — $41.20 of $60 (69%)', 'Nightly agents — $5.00 of $25 (20%)']);
    expect(find(m.menu, 'Claude Code — $41.20 of $60 (69%)')).toMatchObject({ action: { type: 'open-dashboard', budgetId: 'b1' } });
    expect(m.icon).toBe('notice');
  });

  it('never reads 100% before the limit is crossed, and marks budgets over their limit or blocking', () => {
    const m = buildTrayModel(
      state({
        budgets: [
          budgetStatus({ budget: { id: 'a', name: 'Almost' }, spentUsd: 59.8, percent: 99.7, state: 'warning' }),
          budgetStatus({ budget: { id: 'o', name: 'Over' }, spentUsd: 61, percent: 101.7, state: 'exceeded' }),
          budgetStatus({ budget: { id: 's', name: 'Stopped' }, spentUsd: 75, percent: 125, state: 'stopped' }),
        ],
      }),
    );
    const items = labels(m.menu);
    expect(items).toContain('Almost — $59.80 of $60 (99%)');
    expect(items).toContain('Over — $61.00 of $60 (102%) · over limit');
    expect(items).toContain('Stopped — $75.00 of $60 (125%) · blocking');
    expect(m.icon).toBe('stopped');
  });

  it('shows token limits and overrides (the effective limit), and unpriced calls next to the spend', () => {
    const m = buildTrayModel(
      state({
        budgets: [
          budgetStatus({ budget: { id: 't', name: 'Tokens', limitUsd: null, limitTokens: 2_000_000 }, effectiveLimitUsd: null, effectiveLimitTokens: 2_000_000, spentTokens: 1_200_000, percent: 60 }),
          budgetStatus({ budget: { id: 'x', name: 'Raised' }, effectiveLimitUsd: 72.5, spentUsd: 10, percent: 13.8, unpricedRequests: 3 }),
        ],
      }),
    );
    expect(labels(m.menu)).toContain('Tokens — 1.2M of 2M tokens (60%)');
    expect(labels(m.menu)).toContain('Raised — $10.00 of $72.50 (14%) (+3 unpriced)');
  });

  it('caps the budget list and links to the rest', () => {
    const budgets = Array.from({ length: MAX_BUDGET_ITEMS + 3 }, (_, i) => budgetStatus({ budget: { id: `b${i}`, name: `Budget ${i}` }, percent: i }));
    const items = labels(buildTrayModel(state({ budgets })).menu);
    expect(items.filter((l) => l.startsWith('Budget '))).toHaveLength(MAX_BUDGET_ITEMS);
    expect(items).toContain('3 more budgets…');
    // The fullest are the ones shown.
    expect(items).toContain(`Budget ${MAX_BUDGET_ITEMS + 2} — $0.00 of $60 (${MAX_BUDGET_ITEMS + 2}%)`);
  });

  it('shows run budgets with their run, and shortens long names', () => {
    const long = 'A budget whose name goes on and on and on well past the menu';
    const items = labels(
      buildTrayModel(state({ budgets: [budgetStatus({ budget: { name: 'Agent' }, run: 'run-42', percent: 10, spentUsd: 6 }), budgetStatus({ budget: { id: 'l', name: long }, percent: 1 })] })).menu,
    );
    expect(items).toContain('Agent · run-42 — $6.00 of $60 (10%)');
    const longItem = items.find((l) => l.startsWith('A budget'))!;
    expect(longItem.split(' — ')[0]).toHaveLength(40);
    expect(longItem.split(' — ')[0]!.endsWith('…')).toBe(true);
  });

  it('shows each key with its own budget as utilization, other keys as spend, and the top models', () => {
    const m = buildTrayModel(
      state({
        keys: [key({ id: 'key_cc', name: 'Claude Code' }), key({ id: 'fp_1', kind: 'passthrough', name: null, provider: 'openai', label: 'sk-proj-…wxyz' })],
        budgets: [budgetStatus({ budget: { id: 'bk', name: 'CC key', scope: { keyId: 'key_cc' } }, spentUsd: 41.2, percent: 68.7 })],
        monthByKey: [row({ keyId: 'key_cc', costUsd: 41.2, requests: 90 }), row({ keyId: 'fp_1', costUsd: 3.5, requests: 12 })],
        monthByModel: [
          row({ model: 'gpt-4o', costUsd: 3.5, requests: 12 }),
          row({ model: 'claude-sonnet-4-5', costUsd: 41.2, requests: 90 }),
          row({ model: 'mystery-model', costUsd: 0, unpricedRequests: 4, requests: 4 }),
          row({ model: 'claude-haiku-4-5', costUsd: 0.004, requests: 2 }),
        ],
        month: totals({ costUsd: 44.704, unpricedRequests: 4, requests: 108 }),
        today: totals({ costUsd: 3.2, requests: 10 }),
      }),
    );
    const items = labels(m.menu);
    expect(items[0]).toBe('Today $3.20 · January $44.70 (+4 unpriced)');
    const k = items.indexOf('Keys in January');
    expect(items.slice(k + 1, k + 3)).toEqual(['Claude Code — $41.20 of $60 (69%)', 'openai sk-proj-…wxyz — $3.50']);
    const t = items.indexOf('Top models in January');
    expect(items.slice(t + 1, t + 4)).toEqual(['claude-sonnet-4-5 — $41.20', 'gpt-4o — $3.50', 'claude-haiku-4-5 — <$0.01']);
  });

  it('shows a model with only unpriced calls as calls, never as $0.00', () => {
    const items = labels(buildTrayModel(state({ monthByModel: [row({ model: 'local-llama', unpricedRequests: 7, requests: 7 })], today: totals({ unpricedRequests: 1, requests: 1 }) })).menu);
    expect(items).toContain('local-llama — 7 calls unpriced');
    expect(items[0]).toBe('Today 1 call unpriced · January $0.00');
  });

  it('reflects the hard stop and pause settings, each checkbox flipping its own setting', () => {
    const on = buildTrayModel(state({ hardStopEnforcement: true, paused: false }));
    expect(find(on.menu, 'Hard stop enforcement')).toEqual({ kind: 'checkbox', label: 'Hard stop enforcement', checked: true, action: { type: 'set-hard-stop', value: false } });
    expect(find(on.menu, 'Pause all AI traffic')).toMatchObject({ checked: false, action: { type: 'set-paused', value: true } });
    const off = buildTrayModel(state({ hardStopEnforcement: false }));
    expect(find(off.menu, 'Hard stop enforcement')).toMatchObject({ checked: false, action: { type: 'set-hard-stop', value: true } });
  });

  it('when paused says so at the top, in the tooltip and in the icon', () => {
    const m = buildTrayModel(state({ paused: true, today: totals({ costUsd: 1 }) }));
    expect(labels(m.menu).slice(0, 2)).toEqual(['Today $1.00 · January $0.00', 'All AI traffic is paused']);
    expect(find(m.menu, 'All AI traffic is paused')).toMatchObject({ action: { type: 'set-paused', value: false } });
    expect(find(m.menu, 'Pause all AI traffic')).toMatchObject({ checked: true, action: { type: 'set-paused', value: false } });
    expect(m.tooltip.startsWith('Tollgate — paused\n')).toBe(true);
    expect(m.icon).toBe('paused');
  });

  it('says when the team link is down, in the menu and the tooltip, and nothing outside team mode', () => {
    const down = buildTrayModel(state({ teamLinkDown: true }));
    expect(labels(down.menu)).toContain('Team link down: shared budgets use their fail modes');
    expect(down.tooltip.startsWith('Tollgate — team link down\n')).toBe(true);
    for (const m of [buildTrayModel(state({ teamLinkDown: false })), buildTrayModel(state())]) {
      expect(labels(m.menu).some((l) => l.startsWith('Team link down'))).toBe(false);
      expect(m.tooltip.startsWith('Tollgate\n')).toBe(true);
    }
  });

  it('leaves out "Start at login" where the platform has none, and reflects it where it does', () => {
    expect(labels(buildTrayModel(state({ openAtLogin: null })).menu)).not.toContain('Start at login');
    expect(find(buildTrayModel(state({ openAtLogin: true })).menu, 'Start at login')).toMatchObject({ checked: true, action: { type: 'set-open-at-login', value: false } });
  });

  it('puts the setup snippets behind "Copy setup for…"', () => {
    const sub = find(buildTrayModel(state()).menu, 'Copy setup for…');
    expect(sub?.kind).toBe('submenu');
    const claude = (sub as Extract<MenuItemModel, { kind: 'submenu' }>).items[0]!;
    expect(claude).toMatchObject({ label: 'Claude Code', action: { type: 'copy', what: 'Claude Code' } });
    expect((claude as { action: { text: string } }).action.text).toContain('export ANTHROPIC_BASE_URL=http://127.0.0.1:4848/anthropic\n');
  });

  it('is a pure function: the same state gives the same model', () => {
    const s = state({ budgets: [budgetStatus({ percent: 70, spentUsd: 42 })], monthByModel: [row({ model: 'm', costUsd: 1 })] });
    expect(buildTrayModel(s)).toEqual(buildTrayModel(structuredClone(s)));
  });
});

describe('the budget closest to its stop', () => {
  it('leads the menu and the tooltip, measured against each budget\'s own hard stop, with its reset in the core\'s zone', () => {
    const budgets = [
      // 90% of a $60 limit, but the stop is at 120%: 75% of the way.
      budgetStatus({ percent: 90, spentUsd: 54, effectiveLimitUsd: 60, resetsAt: Date.UTC(2026, 1, 1), budget: { id: 'cc', name: 'Claude Code' } }),
      // 85% with no hard stop: 85% of the way to its limit, the closest.
      budgetStatus({ percent: 85, spentUsd: 21.25, effectiveLimitUsd: 25, resetsAt: Date.UTC(2026, 0, 16, 23), budget: { id: 'team', name: 'Team weekly', hardStopPercent: null } }),
      budgetStatus({ percent: 99, run: 'run-7', budget: { id: 'runs', name: 'Agent runs' } }),
      budgetStatus({ percent: 110, budget: { id: 'off', name: 'Off', enabled: false } }),
    ];
    const m = buildTrayModel(state({ budgets, timeZone: 'Asia/Kolkata' }));
    const expected = 'Closest to its stop: Team weekly — $21.25 of $25 (85%), resets Jan 17, 04:30';
    expect(labels(m.menu).slice(0, 2)).toEqual(['Today $0.00 · January $0.00', expected]);
    expect(find(m.menu, expected)).toMatchObject({ action: { type: 'open-dashboard', budgetId: 'team' } });
    expect(m.tooltip.split('\n')).toEqual(['Tollgate', 'Today $0.00 · January $0.00', expected]);
  });

  it('names the stop and a budget that never resets, and is left out without budgets', () => {
    const m = buildTrayModel(state({ budgets: [budgetStatus({ percent: 96, spentUsd: 57.6, effectiveLimitUsd: 60 })] }));
    expect(labels(m.menu)[1]).toBe('Closest to its stop: Claude Code — $57.60 of $60 (96%), stop at 120%, never resets');
    expect(buildTrayModel(state()).tooltip).toBe('Tollgate\nToday $0.00 · January $0.00');
  });
});

describe('the forecast in the tray', () => {
  it('follows the month totals in the menu and the tooltip, marked when it rests on too little history', () => {
    const sure = buildTrayModel(state({ forecast: { usd: 412.5, lowConfidence: false } }));
    expect(labels(sure.menu).slice(0, 2)).toEqual(['Today $0.00 · January $0.00', 'Forecast for January: $412.50']);
    expect(sure.tooltip.split('\n')[2]).toBe('Forecast for January: $412.50');
    const rough = buildTrayModel(state({ forecast: { usd: 1234.5, lowConfidence: true } }));
    expect(labels(rough.menu)[1]).toBe('Forecast for January: ≈ $1,234.50 (under 3 whole days of data)');
  });
});
