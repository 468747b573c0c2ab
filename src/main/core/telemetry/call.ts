import type { TokenUsage } from '../../contract/usage.js';
import type { Attrs, AttrValue } from './shape.js';

export type TelemetryTool = 'claude-code' | 'codex';

/** One model call a coding tool reported in an event, before it is deduplicated and priced. */
export interface TelemetryCall {
  tool: TelemetryTool;
  /** Tollgate route id whose pricing applies. */
  provider: string;
  operation: string;
  ts: number;
  model: string | null;
  usage: TokenUsage;
  /** The tool's own figure for the call, when it exports one (Claude Code does); null: Tollgate prices it. */
  costUsd: number | null;
  user: string | null;
  session: string | null;
  /** The upstream's request id, when the event carries it (Claude Code's `request_id`). */
  requestId: string | null;
  /** Marks the event as seen: a retried export carries the same key and is counted once. */
  dedupeKey: string;
  subscription: boolean | null;
}

/** What one batch of metric points adds for one tool × user × session × model. */
export interface MetricSpend {
  tool: TelemetryTool;
  provider: string;
  user: string | null;
  session: string | null;
  model: string | null;
  ts: number;
  /** Per figure: usd, input (uncached), output, cacheRead, cacheWrite. */
  amounts: Figures;
}

/** The figures events and metrics both report, compared one by one (reconcile.ts). */
export type Figures = [usd: number, input: number, output: number, cacheRead: number, cacheWrite: number];


/** A point's or event's attribute, falling back to the resource's (exporters put user ids in either). */
export function attr(attrs: Attrs, resource: Attrs, key: string): AttrValue | undefined {
  return attrs[key] ?? resource[key];
}

export function text(v: AttrValue | undefined): string | null {
  if (v === undefined || v === '') return null;
  return String(v);
}

/** Token counts come as ints, doubles or numeric strings (Codex mixes them); anything else counts as 0. */
export function count(v: AttrValue | undefined): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

/** Who spent it: the exported e-mail, else the account id, else the user id. */
export function userOf(attrs: Attrs, resource: Attrs, ids: readonly string[]): string | null {
  for (const k of ids) {
    const v = text(attr(attrs, resource, k));
    if (v) return v;
  }
  return null;
}
