import type { RequestFlag, RequestRecord, TokenUsage } from '../../contract/usage.js';
import type { Pricer, PricingTarget } from '../pricing/pricer.js';
import type { Clock } from '../util/clock.js';
import { type Figures, type TelemetryCall, type TelemetryTool } from './call.js';
import { claudeCodeCall, claudeCodeFigure, claudeCodeSeries, emptyFigures } from './claude-code.js';
import { codexCall } from './codex.js';
import { createCrossSourceIndex, createSeenKeys } from './dedupe.js';
import { createReconciler } from './reconcile.js';
import { createSeriesTracker } from './series.js';
import { nsToMs, type LogEvent, type MetricPoint } from './shape.js';

const NAME: Record<TelemetryTool, string> = { 'claude-code': 'Claude Code', codex: 'Codex' };
const LABEL: Record<TelemetryTool, string> = { 'claude-code': `${NAME['claude-code']} (telemetry)`, codex: `${NAME.codex} (telemetry)` };

export interface TelemetryIntakeDeps {
  pricer: Pricer;
  target: (providerId: string) => PricingTarget;
  /** Writes a record to the ledger and counts it in the budgets that count telemetry. */
  record: (r: RequestRecord) => void;
  nextId: () => string;
  clock: Clock;
  initial: unknown;
  onChange: () => void;
  /** The latest records of every source, oldest first: what an event may be about when indexing starts. */
  latest: (limit: number) => RequestRecord[];
}

/** Who sent the batch: the Tollgate key's owner stands in for a user the export does not name. */
export interface Sender {
  owner: string | null;
}

export interface TelemetrySnapshot {
  seen: string[];
  series: unknown;
  reconcile: unknown;
  lastEventAt?: number | null;
}

export interface TelemetryIntake {
  /** Records what new spend the points carry; returns how many records were written. */
  metrics(points: MetricPoint[], from: Sender): number;
  events(events: LogEvent[], from: Sender): number;
  /** Every record of another source, so an event about a call it recorded is not counted twice. */
  noteRecorded(r: RequestRecord): void;
  /** How many recorded calls the cross-source index holds (0 until a tool exports telemetry). */
  indexed(): number;
  snapshot(): TelemetrySnapshot;
}

const figuresOf = (c: TelemetryCall, usd: number): Figures => [
  usd,
  c.usage.inputTokens - c.usage.cacheReadTokens - c.usage.cacheWrite5mTokens - c.usage.cacheWrite1hTokens,
  c.usage.outputTokens,
  c.usage.cacheReadTokens,
  c.usage.cacheWrite5mTokens + c.usage.cacheWrite1hTokens,
];

/**
 * Coding-tool telemetry as ledger records with source "telemetry": per request from events (Claude Code's
 * api_request, Codex's completed responses), and from Claude Code's cost and token metrics for what the events
 * did not cover. Exporter retries, re-sent cumulative totals and calls another source recorded count once.
 */
export function createTelemetryIntake(d: TelemetryIntakeDeps): TelemetryIntake {
  const snap = (d.initial ?? {}) as Partial<TelemetrySnapshot>;
  const seen = createSeenKeys(snap.seen);
  const series = createSeriesTracker(snap.series);
  const reconcile = createReconciler(snap.reconcile);
  const elsewhere = createCrossSourceIndex({ now: () => d.clock.now(), latest: d.latest, ...(typeof snap.lastEventAt === 'number' ? { lastEventAt: snap.lastEventAt } : {}) });

  /**
   * A call's price: Tollgate's pricer on its tokens (user overrides, corrections, the price database), as for a
   * proxied call, so the same call costs the same whichever way it arrived. Claude Code's events do not say how
   * long a cache write lives, so its tokens alone give a range (every write at the 5-minute rate up to every write
   * at the 1-hour rate). Claude Code's own figure, which knows, is kept when it falls in that range and brought
   * to its nearest end when it does not: its price table can lag the provider's (2.1.197 counts claude-sonnet-5
   * at $3/$15 per million tokens, test/e2e/claude-code.test.ts; Anthropic's list says $2/$10). For a model the
   * pricer does not know, the tool's figure stands as it came.
   */
  function price(base: { tool: TelemetryTool; provider: string; ts: number; model: string | null }, usage: TokenUsage, exported: number | null) {
    const quote = (u: TokenUsage) => d.pricer.quote(d.target(base.provider), base.model!, u, { at: base.ts });
    const low = base.model ? quote(usage) : null;
    if (low && low.costUsd !== null) {
      let costUsd = low.costUsd;
      if (exported !== null && exported > costUsd) {
        const writes = usage.cacheWrite5mTokens;
        const high = writes > 0 ? (quote({ ...usage, cacheWrite5mTokens: 0, cacheWrite1hTokens: usage.cacheWrite1hTokens + writes }).costUsd ?? costUsd) : costUsd;
        costUsd = Math.min(exported, high);
      }
      return { costUsd, pricedModel: low.pricedModel, priceSource: low.source, byPricer: true };
    }
    if (exported !== null) return { costUsd: exported, pricedModel: base.model, priceSource: `${base.tool} (exported)`, byPricer: false };
    return { costUsd: null, pricedModel: null, priceSource: null, byPricer: false };
  }

  /** The record for what a call or a batch of points adds; null when it adds only a cost the pricer derives anyway. */
  function toRecord(base: { tool: TelemetryTool; provider: string; operation: string; ts: number; model: string | null; user: string | null; session: string | null }, f: Figures, exported: boolean, extra: Partial<RequestRecord>, flags: RequestFlag[]): RequestRecord | null {
    const usage: TokenUsage = { inputTokens: f[1] + f[3] + f[4], cacheReadTokens: f[3], cacheWrite5mTokens: f[4], cacheWrite1hTokens: 0, outputTokens: f[2], reasoningTokens: 0, ...extra.usage };
    const p = price(base, usage, exported ? f[0] : null);
    // Priced from tokens, a cost with no tokens beside it (a cost point before its token points) adds nothing.
    if (p.byPricer && f[1] + f[2] + f[3] + f[4] === 0 && !extra.usage) return null;
    const { costUsd, pricedModel, priceSource } = p;
    if (costUsd === null) flags.push('unpriced');
    // Where the tool's own figure differs, the record keeps it beside the price it was given (metrics that add
    // tokens and no cost carry no figure to keep).
    const note = exported && p.byPricer && f[0] > 0 && Math.abs(f[0] - p.costUsd!) > 1e-9 ? `${NAME[base.tool]} reported $${Number(f[0].toPrecision(6))}` : undefined;
    return {
      id: d.nextId(),
      ts: base.ts,
      durationMs: 0,
      ttfbMs: null,
      provider: base.provider,
      operation: base.operation,
      model: base.model ?? 'unknown',
      responseModel: base.model,
      keyId: `telemetry:${base.tool}`,
      keyLabel: LABEL[base.tool],
      project: null,
      user: base.user,
      run: null,
      status: 200,
      stream: true,
      costUsd,
      pricedModel,
      priceSource,
      flags,
      ...(note ? { note } : {}),
      source: 'telemetry',
      tool: base.tool,
      ...(base.session ? { session: base.session } : {}),
      ...extra,
      usage,
    };
  }

  const keyOf = (tool: string, user: string | null, session: string | null, model: string | null) => JSON.stringify([tool, user, session, model]);
  const any = (f: Figures) => f.some((v) => v > 0);

  return {
    events(list, from) {
      let written = 0;
      for (const e of list) {
        const c = claudeCodeCall(e) ?? codexCall(e);
        if (!c || seen.has(c.dedupeKey)) continue;
        seen.add(c.dedupeKey);
        c.user ??= from.owner;
        const dup = elsewhere.claim(c);
        if (c.tool === 'codex') {
          // Codex exports no spend metrics, so there is nothing to reconcile: the event is the call.
          if (dup) continue;
          const flags: RequestFlag[] = c.subscription ? ['subscription'] : [];
          const r = toRecord(c, figuresOf(c, 0), false, { usage: c.usage }, flags);
          if (r) {
            d.record(r);
            written++;
          }
          continue;
        }
        const reported = c.costUsd !== null;
        let usd = c.costUsd ?? 0;
        if (!reported && c.model) usd = d.pricer.quote(d.target(c.provider), c.model, c.usage, { at: c.ts }).costUsd ?? 0;
        // A call recorded elsewhere still counts as covered, so the metrics do not bring it back.
        const add = reconcile.take(keyOf(c.tool, c.user, c.session, c.model), 'events', figuresOf(c, usd));
        if (dup || !any(add)) continue;
        const r = toRecord(c, add, reported, c.requestId ? { upstreamId: c.requestId } : {}, []);
        if (!r) continue;
        d.record(r);
        written++;
      }
      d.onChange();
      return written;
    },
    metrics(points, from) {
      const groups = new Map<string, { series: ReturnType<typeof claudeCodeSeries>; ts: number; f: Figures }>();
      for (const p of points) {
        const fig = claudeCodeFigure(p);
        if (fig === null) continue;
        const inc = series.increment(p);
        if (inc <= 0) continue;
        const s = claudeCodeSeries(p);
        s.user ??= from.owner;
        const key = keyOf('claude-code', s.user, s.session, s.model);
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { series: s, ts: 0, f: emptyFigures() }));
        g.f[fig] = g.f[fig]! + inc;
        g.ts = Math.max(g.ts, nsToMs(p.timeNs));
      }
      let written = 0;
      for (const [key, g] of groups) {
        const add = reconcile.take(key, 'metrics', g.f);
        if (!any(add)) continue;
        const base = { tool: 'claude-code' as const, provider: 'anthropic', operation: 'messages', ts: g.ts || d.clock.now(), ...g.series };
        const r = toRecord(base, add, true, {}, []);
        if (!r) continue;
        d.record(r);
        written++;
      }
      d.onChange();
      return written;
    },
    noteRecorded: (r) => elsewhere.note(r),
    indexed: () => elsewhere.size(),
    snapshot: () => ({ seen: seen.snapshot(), series: series.snapshot(), reconcile: reconcile.snapshot(), lastEventAt: elsewhere.lastEventAt() }),
  };
}
