import type { RequestRecord } from '../../contract/usage.js';
import type { ClaudeWindowDto, CodexRateLimitsDto, SubscriptionWindowsDto } from '../../contract/routing.js';
import type { Notifier } from '../alerts/notifier.js';
import type { Clock } from '../util/clock.js';
import { formatUsd } from '../util/money.js';
import { BUCKET_MS, claudeWindows, weekTotals, WEEK_MS, WINDOW_MS, type SpendBucket } from './claude-windows.js';
import { newTier } from './window-alerts.js';

const MINUTE = 60_000;
/** Alert keys kept: windows older than a week no longer fire. */
const MAX_FIRED = 200;

interface Snapshot {
  version: 1;
  buckets: SpendBucket[];
  limitUsd: number | null;
  largestUsd: number | null;
  codex: CodexRateLimitsDto | null;
  fired: [string, number][];
}

export interface SubscriptionDeps {
  clock: Clock;
  notifier: Notifier | null;
  initial?: unknown;
  onChange: () => void;
}

export interface Subscriptions {
  /** Every ledger record passes here; Claude Code's calls count toward its windows. */
  observe(r: RequestRecord): void;
  observeCodex(rl: CodexRateLimitsDto): void;
  setLimit(usd: number | null): void;
  view(): SubscriptionWindowsDto;
  snapshot(): Snapshot;
}

function load(initial: unknown): Snapshot {
  const s: Snapshot = { version: 1, buckets: [], limitUsd: null, largestUsd: null, codex: null, fired: [] };
  if (typeof initial !== 'object' || initial === null) return s;
  const o = initial as Partial<Snapshot>;
  if (Array.isArray(o.buckets)) s.buckets = o.buckets.filter((b) => Array.isArray(b) && b.length === 4 && b.every((x) => typeof x === 'number' && Number.isFinite(x)));
  if (typeof o.limitUsd === 'number' && o.limitUsd > 0) s.limitUsd = o.limitUsd;
  if (typeof o.largestUsd === 'number' && o.largestUsd > 0) s.largestUsd = o.largestUsd;
  if (o.codex && typeof o.codex === 'object' && typeof o.codex.at === 'number') s.codex = o.codex;
  if (Array.isArray(o.fired)) s.fired = o.fired.filter((f) => Array.isArray(f) && typeof f[0] === 'string' && typeof f[1] === 'number');
  return s;
}

/**
 * Claude Code's calls from its transcripts: they do not say whether a subscription or an API key paid, so every
 * imported Claude Code call counts toward the window estimate.
 */
const isClaude = (r: RequestRecord) => r.tool === 'claude-code';

/**
 * Subscription usage windows. Claude Code's five-hour windows and weekly totals are estimated from its calls (the
 * imported logs; Anthropic does not publish the limits, so the user sets one, or takes the largest window seen);
 * Codex reports its own percentages in its session logs. Each window notifies once at 50, 80 and 100%.
 */
export function createSubscriptions(d: SubscriptionDeps): Subscriptions {
  const s = load(d.initial);
  const buckets = new Map<number, SpendBucket>();
  // Saved buckets of another size (version 1 saved minutes) fold into this one's.
  for (const [ts, usd, tokens, calls] of s.buckets) add(Math.floor(ts / BUCKET_MS) * BUCKET_MS, usd, tokens, calls);
  function add(at: number, usd: number, tokens: number, calls: number) {
    const b = buckets.get(at) ?? [at, 0, 0, 0];
    b[1] += usd;
    b[2] += tokens;
    b[3] += calls;
    buckets.set(at, b);
  }
  const fired = new Map<string, number>(s.fired);
  let limitUsd = s.limitUsd;
  let largestUsd = s.largestUsd;
  let codex = s.codex;
  let observed = 0;

  const notify = (id: string, title: string, body: string, critical: boolean) => {
    if (fired.size > MAX_FIRED) fired.delete(fired.keys().next().value as string);
    if (!d.notifier) return;
    Promise.resolve(d.notifier.show({ id, kind: 'threshold', title, body, budgetId: null, critical })).catch(() => {
      // A desktop that refuses a notification: the window stays marked, as budget alerts do.
    });
  };

  function prune(now: number) {
    // A window can start up to five hours before the week shown.
    for (const k of buckets.keys()) if (k < now - WEEK_MS - WINDOW_MS) buckets.delete(k);
  }

  /** The largest finished window so far: kept past the week the buckets cover. */
  function noteLargest(windows: readonly ClaudeWindowDto[], now: number) {
    for (const w of windows) if (w.end <= now && w.costUsd > (largestUsd ?? 0)) largestUsd = w.costUsd;
  }

  function checkClaude(now: number) {
    const windows = claudeWindows([...buckets.values()]);
    noteLargest(windows, now);
    const cur = windows.at(-1);
    if (!cur || cur.end <= now || !limitUsd) return;
    const pct = (cur.costUsd / limitUsd) * 100;
    const tier = newTier(fired, `claude:${cur.start}`, pct);
    if (tier !== null) {
      const left = Math.max(0, Math.round((cur.end - now) / MINUTE));
      notify(
        `subscription:claude:${cur.start}:${tier}`,
        `Claude Code: ${tier}% of your five-hour window`,
        `${formatUsd(cur.costUsd)} of ${formatUsd(limitUsd)} in this window; it ends in ${Math.floor(left / 60)} h ${left % 60} min.`,
        tier >= 100,
      );
    }
  }

  function checkCodex(rl: CodexRateLimitsDto, now: number) {
    for (const [which, w] of [['primary', rl.primary], ['secondary', rl.secondary]] as const) {
      // Only a window still running: a month-old log line is history, not news.
      if (!w || w.resetsAt === null || w.resetsAt <= now) continue;
      const tier = newTier(fired, `codex:${rl.limitId ?? 'codex'}:${which}:${w.resetsAt}`, w.usedPercent);
      if (tier === null) continue;
      const span = w.windowMinutes === null ? which : w.windowMinutes >= 7 * 24 * 60 ? 'weekly' : `${Math.round(w.windowMinutes / 60)}-hour`;
      notify(`subscription:codex:${which}:${w.resetsAt}:${tier}`, `Codex: ${tier}% of your ${span} limit`, `Codex reports ${w.usedPercent}% used; it resets ${new Date(w.resetsAt).toISOString().slice(0, 16).replace('T', ' ')} UTC.`, tier >= 100);
    }
  }

  return {
    observe(r) {
      if (!isClaude(r) || r.status >= 400) return;
      const at = Math.floor(r.ts / BUCKET_MS) * BUCKET_MS;
      const now = d.clock.now();
      if (at < now - WEEK_MS - WINDOW_MS) return;
      add(at, r.costUsd ?? 0, r.usage.inputTokens + r.usage.outputTokens, 1);
      // A backfill brings a month of calls: only a call in a window that may still run can cross a tier.
      if (++observed % 1000 === 0) prune(now);
      if (r.ts > now - WINDOW_MS) checkClaude(now);
      d.onChange();
    },
    observeCodex(rl) {
      if (codex && codex.at > rl.at) return;
      codex = rl;
      checkCodex(rl, d.clock.now());
      d.onChange();
    },
    setLimit(usd) {
      limitUsd = usd && usd > 0 ? usd : null;
      checkClaude(d.clock.now());
      d.onChange();
    },
    view() {
      const now = d.clock.now();
      const windows = claudeWindows([...buckets.values()]).filter((w) => w.end > now - WEEK_MS);
      const last = windows.at(-1);
      const current =
        last && last.end > now ? { ...last, timeLeftMs: last.end - now, percent: limitUsd ? (last.costUsd / limitUsd) * 100 : null } : null;
      noteLargest(windows, now);
      const suggested = largestUsd ?? 0;
      return {
        now,
        claude: { current, recent: windows.reverse(), week: weekTotals([...buckets.values()], now), limitUsd, suggestedLimitUsd: suggested > 0 ? suggested : null },
        codex,
      };
    },
    snapshot() {
      const now = d.clock.now();
      prune(now);
      noteLargest(claudeWindows([...buckets.values()]), now);
      // Dollars to a billionth: a float's last digits would only lengthen the stored document.
      const saved = [...buckets.values()].map(([at, usd, tokens, calls]): SpendBucket => [at, Math.round(usd * 1e9) / 1e9, tokens, calls]);
      return { version: 1, buckets: saved, limitUsd, largestUsd, codex, fired: [...fired] };
    },
  };
}
