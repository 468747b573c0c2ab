import type { AlertKind, BudgetAlert } from '../../contract/budgets.js';
import type { ConnectionFailedEvent } from '../../contract/polling.js';
import { formatLimitUsd, formatTokens, formatUsd } from '../util/money.js';

/** What a notifier is asked to show: words ready to display, and which budget a click should open. */
export interface AlertNotification {
  id: string;
  kind: AlertKind;
  title: string;
  body: string;
  budgetId: string | null;
  /** Requests are being (or about to be) refused: shown as urgent where the desktop supports it. */
  critical: boolean;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Accepts the budget engine's BudgetAlert and the looser shapes other emitters send (a usage poller reporting a
 * failed connection has no budget, tier or limit). Returns null for something that is not an alert at all.
 * Missing ids are derived from what makes an alert distinct, so a re-emitted alert is still recognised.
 */
export function normalizeAlert(raw: unknown, now: number): BudgetAlert | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as Record<string, unknown>;
  const kindText = str(o.kind);
  if (!kindText) return null;
  // Kinds this build does not know yet still notify, with a generic title.
  const kind = kindText as AlertKind;
  const budgetId = str(o.budgetId);
  const budgetName = str(o.budgetName) ?? str(o.name) ?? (kind === 'polling-failed' ? 'Usage polling' : 'A budget');
  const tier = num(o.tier);
  const periodKey = str(o.periodKey);
  const id = str(o.id) ?? [kind, budgetId ?? budgetName, periodKey ?? '', tier ?? ''].join(':');
  const alert: BudgetAlert = {
    id,
    kind,
    budgetId,
    budgetName,
    tier,
    spentUsd: num(o.spentUsd),
    limitUsd: num(o.limitUsd),
    spentTokens: num(o.spentTokens),
    limitTokens: num(o.limitTokens),
    periodKey,
    resetsAt: num(o.resetsAt),
    title: '',
    body: '',
    at: num(o.at) ?? now,
  };
  alert.title = str(o.title) ?? composeTitle(alert);
  alert.body = str(o.body) ?? str(o.message) ?? composeBody(alert);
  return alert;
}

function composeTitle(a: BudgetAlert): string {
  switch (a.kind) {
    case 'threshold':
      return `${a.budgetName} budget at ${a.tier ?? '?'}%`;
    case 'hard-stop':
      return `${a.budgetName}: hard stop reached`;
    case 'guardrail':
      return `${a.budgetName}: daily guardrail reached`;
    case 'override-expiring':
      return `${a.budgetName}: override ends soon`;
    case 'polling-failed':
      return `${a.budgetName}: connection failed`;
    default:
      return `${a.budgetName}: ${a.kind}`;
  }
}

/** Only used when an emitter sent no body: says what was spent of what. */
function composeBody(a: BudgetAlert): string {
  const parts: string[] = [];
  if (a.spentUsd !== null && a.limitUsd !== null) parts.push(`${formatUsd(a.spentUsd)} of ${formatLimitUsd(a.limitUsd)}`);
  else if (a.spentTokens !== null && a.limitTokens !== null) parts.push(`${formatTokens(a.spentTokens)} of ${formatTokens(a.limitTokens)} tokens`);
  else if (a.spentUsd !== null) parts.push(`${formatUsd(a.spentUsd)} spent`);
  if (a.kind === 'polling-failed') parts.push('Spend reported by the provider may be out of date until it reconnects.');
  return parts.join('. ') || 'Open Tollgate for details.';
}

/**
 * Usage polling reports a failing connection once per failure streak ('usage.connectionFailed'). As an alert its
 * id names the connection and the streak: the streak began after the last good poll (`asOf`), so the same
 * streak keeps its id across restarts and a new streak after a recovery gets a new one.
 */
export function connectionFailureAlert(e: ConnectionFailedEvent, now: number): BudgetAlert {
  const c = e.connection;
  return plainAlert({
    id: `usage-failed|${c.id}|${c.asOf ?? c.createdAt}|${e.rejected ? 'rejected' : 'failing'}`,
    kind: 'polling-failed',
    budgetId: null,
    budgetName: c.name,
    resetsAt: null,
    title: e.rejected ? `${c.providerName} usage: admin key rejected` : `${c.providerName} usage polling is failing`,
    body: e.message,
    at: now,
  });
}

/**
 * An alert about something other than a spending tier (a failing connection, an override about to end): the
 * tier, spend, limit and period fields do not apply and are null. The one place such alerts get their shape.
 */
export function plainAlert(a: Pick<BudgetAlert, 'id' | 'kind' | 'budgetId' | 'budgetName' | 'resetsAt' | 'title' | 'body' | 'at'>): BudgetAlert {
  return {
    id: a.id,
    kind: a.kind,
    budgetId: a.budgetId,
    budgetName: a.budgetName,
    tier: null,
    spentUsd: null,
    limitUsd: null,
    spentTokens: null,
    limitTokens: null,
    periodKey: null,
    resetsAt: a.resetsAt,
    title: a.title,
    body: a.body,
    at: a.at,
  };
}

export function toNotification(a: BudgetAlert): AlertNotification {
  const critical = a.kind === 'hard-stop' || a.kind === 'guardrail' || (a.kind === 'threshold' && (a.tier ?? 0) >= 100);
  return { id: a.id, kind: a.kind, title: a.title, body: withNextStep(a.body, nextStep(a)), budgetId: a.budgetId, critical };
}

/**
 * What a person can do about an alert, in one sentence: a notification that only reports leaves them to guess
 * where to go. A click opens the budget where the desktop reports clicks (see createNodeNotifier and
 * src/main/electron/notify.ts); notify-send cannot, so the words name the place as well.
 */
export function nextStep(a: Pick<BudgetAlert, 'kind' | 'tier'>): string {
  switch (a.kind) {
    case 'hard-stop':
      return 'What to do: raise the limit or add a temporary override in Tollgate (Budgets).';
    case 'guardrail':
      return 'What to do: raise the daily guardrail in Tollgate (Budgets), or wait for it to reset.';
    case 'override-expiring':
      return 'What to do: extend the override in Tollgate (Budgets) if you still need it.';
    case 'polling-failed':
      return 'What to do: fix the connection in Tollgate (Providers → Provider usage).';
    case 'threshold':
      return (a.tier ?? 0) >= 100
        ? 'What to do: raise the limit or add a temporary override in Tollgate (Budgets).'
        : 'What to do: review the budget in Tollgate (Budgets) before it stops requests.';
    default:
      return 'What to do: open Tollgate for details.';
  }
}

/** Appends the next step unless the body already says how to act (the engine's hard-stop text does). */
function withNextStep(body: string, step: string): string {
  if (/in Tollgate|What to do/.test(body)) return body;
  const trimmed = body.trim();
  if (!trimmed) return step;
  return `${trimmed}${/[.!?…]$/.test(trimmed) ? '' : '.'} ${step}`;
}

/** How many folded titles a summary lists: desktops cut bodies at four or five lines. */
const SUMMARY_TITLES = 3;

/**
 * The one notification that stands for alerts folded by the flood guard (see createAlerts). Only non-critical
 * alerts are folded, so this names the first few and where to see the rest: the dashboard's alert history.
 */
export function foldedSummary(list: AlertNotification[]): AlertNotification {
  const titles = list.slice(0, SUMMARY_TITLES).map((n) => n.title);
  const rest = list.length - titles.length;
  const budgets = new Set(list.map((n) => n.budgetId));
  const onlyBudget = budgets.size === 1 ? list[0]!.budgetId : null;
  return {
    id: `summary:${list[0]!.id}`,
    kind: list[0]!.kind,
    title: `${list.length} more budget alert${list.length === 1 ? '' : 's'}`,
    body: [...titles, ...(rest > 0 ? [`and ${rest} more.`] : []), 'All of them are in Tollgate: dashboard → Activity → Alert history.'].join('\n'),
    budgetId: onlyBudget,
    critical: list.some((n) => n.critical),
  };
}

/** Slack's mrkdwn treats these three as control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The webhook body: the alert as JSON, plus `text` so a Slack (or Mattermost, Discord /slack, Teams workflow)
 * incoming webhook shows it without any mapping.
 */
export function toWebhookPayload(a: BudgetAlert): Record<string, unknown> {
  return { text: `*${slackEscape(a.title)}*\n${slackEscape(a.body)}`, source: 'tollgate', ...a };
}
