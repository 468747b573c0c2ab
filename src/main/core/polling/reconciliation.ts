import type { ReconciliationResult, ReconciliationRow } from '../../contract/polling.js';
import type { RollupRow } from '../../contract/usage.js';
import { splitAcrossDays } from '../time/spans.js';
import type { StoredConnection } from './connections.js';
import type { UsageSource } from './types.js';
import type { MappedUsage } from './usage-view.js';

/** Differences below half a cent are rounding, not unseen spend. */
const EPSILON_USD = 0.005;

/**
 * Providers report dated model ids ("gpt-4o-mini-2024-07-18", "claude-sonnet-4-20250514") where clients ask for
 * the alias; comparing on the undated name keeps one model from showing up as two mismatched rows.
 */
export function comparableModel(model: string): string {
  return model.replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, '');
}

const usd = (n: number) => `$${n.toFixed(2)}`;

interface Group {
  day: string;
  provider: string;
  keyId: string;
  keyName: string | null;
  model: string | null;
  observedUsd: number;
  observedRequests: number;
  observedTokens: number;
  reportedUsd: number;
  reportedTokens: number;
  hasReported: boolean;
  asOf: number | null;
  providerName: string | null;
}

export interface ReconcileInput {
  from: string;
  to: string;
  timezone: string;
  observed: RollupRow[];
  mapped: MappedUsage[];
  connections: { connection: StoredConnection; source: UsageSource; keyIds: string[] }[];
  dayKey: (ms: number) => string;
  tollgateKeyName: (keyId: string) => string | null;
  formatTime: (ms: number) => string;
}

/** Per day × key × model: what the proxy recorded against what the providers report, and the spend it never saw. */
export function reconcile(input: ReconcileInput): ReconciliationResult {
  // What the connections cover: whole routes (organization admin APIs) or single keys (OpenRouter), from a day on.
  const routeFrom = new Map<string, { day: string; name: string }>();
  const keyFrom = new Map<string, { day: string; name: string }>();
  for (const { connection: c, source, keyIds } of input.connections) {
    if (c.coveredFrom === null) continue;
    const day = input.dayKey(c.coveredFrom);
    const put = (m: Map<string, { day: string; name: string }>, k: string) => {
      const have = m.get(k);
      if (!have || day < have.day) m.set(k, { day, name: source.name });
    };
    if (source.coverage === 'organization') put(routeFrom, source.routeId);
    else for (const k of keyIds) put(keyFrom, k);
  }

  // Keys reported without a model breakdown are compared as one line per day.
  const modelless = new Set(input.mapped.filter((m) => m.row.model === null).map((m) => m.keyId));
  const groups = new Map<string, Group>();
  const group = (day: string, keyId: string, model: string | null, provider: string): Group => {
    const mk = modelless.has(keyId) || model === null ? '*' : comparableModel(model);
    const key = `${day}\u0000${keyId}\u0000${mk}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        day,
        provider,
        keyId,
        keyName: null,
        model: mk === '*' ? null : model,
        observedUsd: 0,
        observedRequests: 0,
        observedTokens: 0,
        reportedUsd: 0,
        reportedTokens: 0,
        hasReported: false,
        asOf: null,
        providerName: null,
      };
      groups.set(key, g);
    }
    return g;
  };

  for (const m of input.mapped) {
    // A bucket across a local midnight counts on both days, in proportion to its time on each (buckets.ts).
    for (const { day, share } of splitAcrossDays(m.row.start, m.row.end, input.dayKey)) {
      if (day < input.from || day > input.to || share === 0) continue;
      const g = group(day, m.keyId, m.row.model, m.source.routeId);
      g.reportedUsd += (m.row.costUsd ?? 0) * share;
      g.reportedTokens += (m.row.usage.inputTokens + m.row.usage.outputTokens) * share;
      g.hasReported = true;
      g.asOf = g.asOf === null ? m.row.asOf : Math.min(g.asOf, m.row.asOf);
      g.keyName ??= m.keyName;
      g.providerName = m.source.name;
    }
  }

  for (const r of input.observed) {
    const cover = keyFrom.get(r.keyId) ?? routeFrom.get(r.provider);
    if (!cover) continue;
    const g = group(r.day, r.keyId, r.model, r.provider);
    g.observedUsd += r.costUsd;
    g.observedRequests += r.requests;
    g.observedTokens += r.inputTokens + r.outputTokens;
    // The name the client asked for reads better than the provider's dated id.
    if (g.model !== null) g.model = r.model;
    g.providerName ??= cover.name;
  }

  const rows: ReconciliationRow[] = [];
  for (const g of groups.values()) {
    const cover = keyFrom.get(g.keyId) ?? routeFrom.get(g.provider);
    const covered = g.hasReported || (cover !== undefined && cover.day <= g.day);
    const reportedUsd = covered ? g.reportedUsd : null;
    const differenceUsd = reportedUsd === null ? null : reportedUsd - g.observedUsd;
    const unseenUsd = differenceUsd !== null && differenceUsd >= EPSILON_USD ? differenceUsd : 0;
    const who = g.providerName ?? g.provider;
    let note: string;
    if (reportedUsd === null) note = `no ${who} data for this day`;
    else if (unseenUsd > 0) {
      note = g.observedUsd === 0 ? `${usd(unseenUsd)} reported by ${who} never passed through Tollgate` : `${usd(unseenUsd)} more reported by ${who} than passed through Tollgate`;
    } else if (differenceUsd !== null && differenceUsd <= -EPSILON_USD) {
      note = `Tollgate saw ${usd(-differenceUsd)} more than ${who} reports${g.asOf ? ` as of ${input.formatTime(g.asOf)}` : ' so far'}; provider figures lag`;
    } else note = 'matches';
    rows.push({
      day: g.day,
      provider: g.provider,
      keyId: g.keyId,
      keyName: input.tollgateKeyName(g.keyId) ?? g.keyName,
      model: g.model,
      observedUsd: g.observedUsd,
      observedRequests: g.observedRequests,
      observedTokens: g.observedTokens,
      reportedUsd,
      reportedTokens: covered ? g.reportedTokens : null,
      differenceUsd,
      unseenUsd,
      asOf: g.asOf,
      note,
    });
  }
  rows.sort((a, b) => b.unseenUsd - a.unseenUsd || (a.day < b.day ? 1 : a.day > b.day ? -1 : 0) || a.keyId.localeCompare(b.keyId));

  const totals = { observedUsd: 0, reportedUsd: 0, unseenUsd: 0 };
  for (const r of rows) {
    totals.observedUsd += r.observedUsd;
    totals.reportedUsd += r.reportedUsd ?? 0;
    totals.unseenUsd += r.unseenUsd;
  }
  const unseenKeys = [...new Set(rows.filter((r) => r.unseenUsd > 0).map((r) => r.keyName ?? r.keyId))];
  let summary: string;
  if (input.connections.length === 0) summary = 'No usage connections: connect an admin key to compare provider figures with what passed through Tollgate.';
  else if (totals.unseenUsd >= EPSILON_USD) {
    const shown = unseenKeys.slice(0, 3).join(', ') + (unseenKeys.length > 3 ? ` and ${unseenKeys.length - 3} more` : '');
    summary = `Providers reported ${usd(totals.unseenUsd)} from ${input.from} to ${input.to} that did not pass through Tollgate, on ${unseenKeys.length === 1 ? '1 key' : `${unseenKeys.length} keys`}: ${shown}.`;
  } else if (rows.length === 0) summary = `No spend reported or observed from ${input.from} to ${input.to}.`;
  else summary = `Everything the providers reported from ${input.from} to ${input.to} passed through Tollgate.`;

  return {
    from: input.from,
    to: input.to,
    timezone: input.timezone,
    rows,
    totals,
    coverage: input.connections.map(({ connection: c, source }) => ({ connectionId: c.id, provider: source.routeId, name: c.name, coveredFrom: c.coveredFrom, asOf: c.asOf })),
    summary,
  };
}
