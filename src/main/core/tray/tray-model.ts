/**
 * The tray as a pure function of Tollgate's state: which icon, what tooltip, which menu items. The Electron side
 * only draws this, so every state and edge is tested in plain Node (test/main/core/tray/).
 */
import type { SpendRowDto, SpendTotalsDto } from '../../contract/api-ledger.js';
import type { BudgetStatus } from '../../contract/budgets.js';
import type { KeyDto } from '../../contract/keys.js';
import { formatLimitUsd, formatPercent, formatTokens, formatUsd } from '../util/money.js';
import { FORECAST_MIN_DAYS } from '../../../shared/forecast.js';
import { runName } from '../../../shared/run-label.js';
import type { SetupSnippet } from '../../../shared/setup-snippets.js';
import type { RoutedToolId } from '../../contract/routing.js';
import { codingToolsMenu, type CodingToolsState } from './coding-tools-menu.js';

/** In order of severity: the icon shows the worst one. */
export const ICON_STATES = ['normal', 'notice', 'warning', 'exceeded', 'stopped', 'paused'] as const;
export type IconState = (typeof ICON_STATES)[number];

export type TrayAction =
  | { type: 'open-dashboard'; budgetId?: string; view?: 'settings' }
  | { type: 'set-hard-stop'; value: boolean }
  | { type: 'set-paused'; value: boolean }
  | { type: 'copy'; what: string; text: string }
  | { type: 'set-open-at-login'; value: boolean }
  | { type: 'route-tool'; tool: RoutedToolId; undo: boolean }
  | { type: 'quit' };

export type MenuItemModel =
  | { kind: 'label'; label: string; action?: TrayAction }
  | { kind: 'checkbox'; label: string; checked: boolean; action: TrayAction }
  | { kind: 'separator' }
  | { kind: 'submenu'; label: string; items: MenuItemModel[] };

export interface TrayModel {
  icon: IconState;
  tooltip: string;
  menu: MenuItemModel[];
}

export interface TrayState {
  /** null when the budget engine is not available in this build. */
  budgets: BudgetStatus[] | null;
  keys: KeyDto[];
  today: SpendTotalsDto;
  month: SpendTotalsDto;
  /** This month's spend by key and by model. */
  monthByKey: SpendRowDto[];
  monthByModel: SpendRowDto[];
  /** "November" */
  monthName: string;
  /** This month's forecast, as the Overview computes it (shared/forecast.ts); low confidence under 3 whole days of data. */
  forecast?: { usd: number; lowConfidence: boolean };
  hardStopEnforcement: boolean;
  paused: boolean;
  /** null where the platform offers no login item. */
  openAtLogin: boolean | null;
  setups: SetupSnippet[];
  /** For "resets Dec 1, 00:00" on the budget closest to its stop; UTC when not given. */
  timeZone?: string;
  /** Subscription windows and routing; absent where the core does not offer them. */
  codingTools?: CodingToolsState | null;
  /** Team mode's link to the shared Redis is down (absent outside team mode). */
  teamLinkDown?: boolean;
}

export const MAX_BUDGET_ITEMS = 8;
export const MAX_KEY_ITEMS = 5;
export const MAX_MODEL_ITEMS = 3;
const LABEL_NAME_MAX = 40;

const shorten = (s: string, max = LABEL_NAME_MAX) => (s.length > max ? s.slice(0, max - 1) + '…' : s);

function levelFromPercent(p: number): IconState {
  if (p >= 100) return 'exceeded';
  if (p >= 80) return 'warning';
  if (p >= 50) return 'notice';
  return 'normal';
}

const severity = (s: IconState) => ICON_STATES.indexOf(s);
const worse = (a: IconState, b: IconState) => (severity(b) > severity(a) ? b : a);

/** One budget's own icon state. A "stopped" budget shows as merely over its limit while hard stops are off. */
export function budgetIconState(b: BudgetStatus, hardStopEnforcement: boolean): IconState {
  let s = levelFromPercent(b.percent);
  if (b.guardrail) s = worse(s, levelFromPercent(b.guardrail.percent));
  switch (b.state) {
    case 'notice':
      s = worse(s, 'notice');
      break;
    case 'warning':
      s = worse(s, 'warning');
      break;
    case 'exceeded':
      s = worse(s, 'exceeded');
      break;
    case 'stopped':
      s = worse(s, hardStopEnforcement ? 'stopped' : 'exceeded');
      break;
  }
  return s;
}

export function trayIconState(state: Pick<TrayState, 'budgets' | 'paused' | 'hardStopEnforcement'>): IconState {
  if (state.paused) return 'paused';
  let s: IconState = 'normal';
  for (const b of state.budgets ?? []) {
    if (b.budget.enabled === false) continue;
    s = worse(s, budgetIconState(b, state.hardStopEnforcement));
  }
  return s;
}

const unpricedNote = (n: number) => (n > 0 ? ` (+${n} unpriced)` : '');

/** "$41.20 of $60 (69%)", "1.2M of 2M tokens (60%)", or plain spend when there is no limit. */
function utilization(b: BudgetStatus): string {
  if (b.effectiveLimitUsd !== null) return `${formatUsd(b.spentUsd)} of ${formatLimitUsd(b.effectiveLimitUsd)} (${formatPercent(b.percent)})`;
  if (b.effectiveLimitTokens !== null) return `${formatTokens(b.spentTokens)} of ${formatTokens(b.effectiveLimitTokens)} tokens (${formatPercent(b.percent)})`;
  return formatUsd(b.spentUsd);
}

const STATE_SUFFIX: Partial<Record<IconState, string>> = { exceeded: ' · over limit', stopped: ' · blocking' };

export function budgetLabel(b: BudgetStatus, hardStopEnforcement: boolean): string {
  const name = shorten(runName(b.budget.name, b.run));
  const suffix = STATE_SUFFIX[budgetIconState(b, hardStopEnforcement)] ?? '';
  return `${name} — ${utilization(b)}${unpricedNote(b.unpricedRequests)}${suffix}`;
}

/** The budget that speaks for a key: one scoped to exactly that key, the fullest if there are several. */
function keyBudget(keyId: string, budgets: BudgetStatus[]): BudgetStatus | null {
  let best: BudgetStatus | null = null;
  for (const b of budgets) {
    const s = b.budget.scope;
    const onlyKey = s.keyId === keyId && Object.entries(s).every(([k, v]) => k === 'keyId' || v === undefined || v === null);
    if (!onlyKey || b.budget.enabled === false || b.run) continue;
    if (!best || b.percent > best.percent) best = b;
  }
  return best;
}

function keyName(id: string, keys: KeyDto[]): string {
  const k = keys.find((x) => x.id === id);
  if (!k) return id;
  return k.name ?? `${k.provider} ${k.label}`;
}

function spendText(row: Pick<SpendTotalsDto, 'costUsd' | 'unpricedRequests' | 'requests'>): string {
  if (row.costUsd === 0 && row.unpricedRequests > 0) return `${row.unpricedRequests} call${row.unpricedRequests === 1 ? '' : 's'} unpriced`;
  return formatUsd(row.costUsd) + unpricedNote(row.unpricedRequests);
}

function totalsText(label: string, t: SpendTotalsDto): string {
  return `${label} ${spendText(t)}`;
}

function budgetItems(state: TrayState): MenuItemModel[] {
  if (state.budgets === null) return [{ kind: 'label', label: 'Budgets are not available in this build' }];
  const live = state.budgets.filter((b) => b.budget.enabled !== false);
  if (live.length === 0) return [{ kind: 'label', label: 'No budgets yet: set one up…', action: { type: 'open-dashboard' } }];
  const sorted = [...live].sort((a, b) => b.percent - a.percent || a.budget.name.localeCompare(b.budget.name));
  const items: MenuItemModel[] = sorted.slice(0, MAX_BUDGET_ITEMS).map((b) => ({
    kind: 'label',
    label: budgetLabel(b, state.hardStopEnforcement),
    action: { type: 'open-dashboard', budgetId: b.budget.id },
  }));
  if (sorted.length > MAX_BUDGET_ITEMS) {
    items.push({ kind: 'label', label: `${sorted.length - MAX_BUDGET_ITEMS} more budgets…`, action: { type: 'open-dashboard' } });
  }
  return items;
}

function keyItems(state: TrayState): MenuItemModel[] {
  const budgets = state.budgets ?? [];
  const rows = state.monthByKey.filter((r) => r.keyId && (r.requests > 0 || r.costUsd > 0));
  const ids = new Set(rows.map((r) => r.keyId as string));
  // Keys with a budget of their own are worth a line even before their first call this month.
  for (const k of state.keys) if (k.revokedAt === null && keyBudget(k.id, budgets)) ids.add(k.id);
  const entries = [...ids].map((id) => {
    const row = rows.find((r) => r.keyId === id);
    return { id, row, budget: keyBudget(id, budgets), cost: row?.costUsd ?? 0 };
  });
  entries.sort((a, b) => (b.budget?.percent ?? -1) - (a.budget?.percent ?? -1) || b.cost - a.cost || a.id.localeCompare(b.id));
  const items: MenuItemModel[] = entries.slice(0, MAX_KEY_ITEMS).map((e) => {
    const name = shorten(keyName(e.id, state.keys));
    if (e.budget) {
      return { kind: 'label', label: `${name} — ${utilization(e.budget)}${unpricedNote(e.budget.unpricedRequests)}`, action: { type: 'open-dashboard', budgetId: e.budget.budget.id } };
    }
    return { kind: 'label', label: `${name} — ${e.row ? spendText(e.row) : formatUsd(0)}` };
  });
  if (entries.length > MAX_KEY_ITEMS) items.push({ kind: 'label', label: `${entries.length - MAX_KEY_ITEMS} more keys…`, action: { type: 'open-dashboard' } });
  return items;
}

function modelItems(state: TrayState): MenuItemModel[] {
  const rows = state.monthByModel.filter((r) => r.model && (r.costUsd > 0 || r.unpricedRequests > 0));
  rows.sort((a, b) => b.costUsd - a.costUsd || b.unpricedRequests - a.unpricedRequests || String(a.model).localeCompare(String(b.model)));
  return rows.slice(0, MAX_MODEL_ITEMS).map((r) => ({ kind: 'label', label: `${shorten(String(r.model))} — ${spendText(r)}` }));
}

/**
 * The budget nearest the point where requests stop: the highest share of its hard stop (or of its limit, when it
 * has none). Run budgets are left out: a run's counter is gone once the run ends.
 */
export function closestToStop(budgets: BudgetStatus[] | null): BudgetStatus | null {
  let best: BudgetStatus | null = null;
  let bestShare = -1;
  for (const b of budgets ?? []) {
    if (b.budget.enabled === false || b.run) continue;
    const share = b.percent / (b.budget.hardStopPercent ?? 100);
    if (share > bestShare) {
      best = b;
      bestShare = share;
    }
  }
  return best;
}

/** "Closest to its stop: Team — $51.00 of $60 (85%), stop at 120%, resets Dec 1, 00:00", as the Overview leads with. */
export function closestLabel(b: BudgetStatus, timeZone = 'UTC'): string {
  const stop = b.budget.hardStopPercent !== null ? `, stop at ${b.budget.hardStopPercent}%` : '';
  const reset =
    b.resetsAt === null
      ? ', never resets'
      : `, resets ${new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(b.resetsAt)}`;
  return `Closest to its stop: ${shorten(b.budget.name)} — ${utilization(b)}${stop}${reset}`;
}

/** "Forecast for November: $412.50", with "≈" and the reason when there is too little history to trust it. */
export function forecastLabel(state: Pick<TrayState, 'forecast' | 'monthName'>): string | null {
  const f = state.forecast;
  if (!f) return null;
  return f.lowConfidence
    ? `Forecast for ${state.monthName}: ≈ ${formatUsd(f.usd)} (under ${FORECAST_MIN_DAYS} whole days of data)`
    : `Forecast for ${state.monthName}: ${formatUsd(f.usd)}`;
}

export function trayTooltip(state: TrayState): string {
  const head = (state.paused ? 'Tollgate — paused' : 'Tollgate') + (state.teamLinkDown ? ' — team link down' : '');
  const closest = closestToStop(state.budgets);
  const forecast = forecastLabel(state);
  return `${head}\n${totalsText('Today', state.today)} · ${totalsText(state.monthName, state.month)}${forecast ? `\n${forecast}` : ''}${closest ? `\n${closestLabel(closest, state.timeZone)}` : ''}`;
}

export function buildTrayModel(state: TrayState): TrayModel {
  const menu: MenuItemModel[] = [{ kind: 'label', label: `${totalsText('Today', state.today)} · ${totalsText(state.monthName, state.month)}` }];
  // What stops traffic now comes first, with its way back; then what the Overview leads with.
  if (state.paused) menu.push({ kind: 'label', label: 'All AI traffic is paused', action: { type: 'set-paused', value: false } });
  if (state.teamLinkDown) menu.push({ kind: 'label', label: 'Team link down: shared budgets use their fail modes' });
  const forecast = forecastLabel(state);
  if (forecast) menu.push({ kind: 'label', label: forecast });
  const closest = closestToStop(state.budgets);
  if (closest) menu.push({ kind: 'label', label: closestLabel(closest, state.timeZone), action: { type: 'open-dashboard', budgetId: closest.budget.id } });
  menu.push({ kind: 'separator' }, { kind: 'label', label: 'Budgets' }, ...budgetItems(state));

  const keys = keyItems(state);
  if (keys.length) menu.push({ kind: 'separator' }, { kind: 'label', label: `Keys in ${state.monthName}` }, ...keys);
  const models = modelItems(state);
  if (models.length) menu.push({ kind: 'separator' }, { kind: 'label', label: `Top models in ${state.monthName}` }, ...models);

  menu.push(
    { kind: 'separator' },
    { kind: 'checkbox', label: 'Hard stop enforcement', checked: state.hardStopEnforcement, action: { type: 'set-hard-stop', value: !state.hardStopEnforcement } },
    { kind: 'checkbox', label: 'Pause all AI traffic', checked: state.paused, action: { type: 'set-paused', value: !state.paused } },
    { kind: 'separator' },
    { kind: 'label', label: 'Open dashboard', action: { type: 'open-dashboard' } },
  );
  if (state.setups.length) {
    menu.push({
      kind: 'submenu',
      label: 'Copy setup for…',
      items: state.setups.map((s) => ({ kind: 'label', label: s.title, action: { type: 'copy', what: s.title, text: `# ${s.title} through Tollgate: ${s.where}\n${s.text}\n` } })),
    });
  }
  menu.push(...codingToolsMenu(state.codingTools));
  menu.push({ kind: 'separator' });
  if (state.openAtLogin !== null) {
    menu.push({ kind: 'checkbox', label: 'Start at login', checked: state.openAtLogin, action: { type: 'set-open-at-login', value: !state.openAtLogin } });
  }
  menu.push({ kind: 'label', label: 'Quit Tollgate', action: { type: 'quit' } });
  return { icon: trayIconState(state), tooltip: trayTooltip(state), menu };
}
