/** The tray's "Coding tools" submenu: subscription windows, and routing Claude Code and Codex through Tollgate. */
import type { CodexWindowDto, RoutingToolStatus, SubscriptionWindowsDto } from '../../contract/routing.js';
import { formatUsd } from '../util/money.js';
import type { MenuItemModel } from './tray-model.js';

export interface CodingToolsState {
  routing: RoutingToolStatus[];
  windows: SubscriptionWindowsDto | null;
}

const hm = (ms: number) => {
  const m = Math.max(0, Math.round(ms / 60_000));
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
};

const span = (w: CodexWindowDto) => (w.windowMinutes === null ? '' : w.windowMinutes >= 7 * 24 * 60 ? 'weekly ' : `${Math.round(w.windowMinutes / 60)} h `);

function windowItems(w: SubscriptionWindowsDto): MenuItemModel[] {
  const out: MenuItemModel[] = [];
  const c = w.claude.current;
  if (c) {
    const of = w.claude.limitUsd ? ` of ${formatUsd(w.claude.limitUsd)} (${Math.round(c.percent ?? 0)}%)` : '';
    out.push({ kind: 'label', label: `Claude Code 5 h window: ${formatUsd(c.costUsd)}${of}, ${hm(c.timeLeftMs)} left` });
  } else if (w.claude.week.calls > 0) out.push({ kind: 'label', label: 'Claude Code: no window running' });
  if (w.claude.week.calls > 0) out.push({ kind: 'label', label: `Claude Code last 7 days: ${formatUsd(w.claude.week.costUsd)} (${w.claude.week.calls} calls)` });
  const x = w.codex;
  if (x) {
    for (const win of [x.primary, x.secondary]) {
      if (!win) continue;
      const reset = win.resetsAt !== null && win.resetsAt > w.now ? `, resets in ${hm(win.resetsAt - w.now)}` : '';
      out.push({ kind: 'label', label: `Codex ${span(win)}limit: ${Math.round(win.usedPercent)}% used${reset}` });
    }
  }
  return out;
}

function routingItems(tools: RoutingToolStatus[]): MenuItemModel[] {
  return tools.map((t): MenuItemModel => {
    if (t.state === 'routed' && t.managed) return { kind: 'checkbox', label: `Route ${t.name} through Tollgate`, checked: true, action: { type: 'route-tool', tool: t.tool, undo: true } };
    if (t.state === 'routed') return { kind: 'checkbox', label: `${t.name} is routed through Tollgate (set by hand)`, checked: true, action: { type: 'open-dashboard', view: 'settings' } };
    if (t.state === 'not-routed') return { kind: 'checkbox', label: `Route ${t.name} through Tollgate`, checked: false, action: { type: 'route-tool', tool: t.tool, undo: false } };
    const why = t.state === 'malformed' ? 'its settings file cannot be read' : 'its settings file was changed by hand';
    return { kind: 'label', label: `${t.name}: not routed, ${why}…`, action: { type: 'open-dashboard', view: 'settings' } };
  });
}

export function codingToolsMenu(s: CodingToolsState | null | undefined): MenuItemModel[] {
  if (!s) return [];
  const windows = s.windows ? windowItems(s.windows) : [];
  const items = [...windows, ...(windows.length ? [{ kind: 'separator' } as const] : []), ...routingItems(s.routing)];
  return items.length ? [{ kind: 'submenu', label: 'Coding tools', items }] : [];
}
