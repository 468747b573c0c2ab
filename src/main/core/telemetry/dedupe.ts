import type { RequestRecord } from '../../contract/usage.js';
import type { TelemetryCall } from './call.js';

/** How far apart a proxied or logged call and the tool's event about it may be stamped. */
const MATCH_WINDOW_MS = 5 * 60_000;
const MAX_INDEXED = 100_000;
/** Persisted: retries come within minutes, so this covers days of heavy use. */
const MAX_SEEN = 20_000;

/** Event keys already counted: an exporter retries a batch whose answer it did not get. Persisted, bounded. */
export function createSeenKeys(initial: unknown): { has(k: string): boolean; add(k: string): void; snapshot(): string[] } {
  const seen = new Set<string>(Array.isArray(initial) ? initial.filter((k): k is string => typeof k === 'string') : []);
  return {
    has: (k) => seen.has(k),
    add(k) {
      seen.add(k);
      if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value as string);
    },
    snapshot: () => [...seen],
  };
}

function fingerprint(provider: string, model: string, u: RequestRecord['usage']): string {
  return `${provider}|${model}|${u.inputTokens}|${u.cacheReadTokens}|${u.outputTokens}`;
}

/**
 * Calls the proxy or the log import already recorded, so an event about the same call is not counted again.
 * By id when both sides know one (the upstream's request id); otherwise by what both sides see the same way:
 * provider, model and token counts, stamped within a few minutes. The proxy records the upstream's message id,
 * which Claude Code's events do not carry, so for Claude Code the token match is what catches a routed call.
 * Each recorded call matches one event at most.
 */
export interface CrossSourceIndex {
  note(r: RequestRecord): void;
  /** True (and the recorded call is used up) when the call was already recorded by another source. */
  claim(c: TelemetryCall): boolean;
}

export function createCrossSourceIndex(): CrossSourceIndex {
  const ids = new Set<string>();
  const byPrint = new Map<string, number[]>();
  let indexed = 0;
  const addPrint = (k: string, ts: number) => {
    const list = byPrint.get(k);
    if (list) list.push(ts);
    else byPrint.set(k, [ts]);
    if (++indexed > MAX_INDEXED) {
      const oldest = byPrint.keys().next().value as string;
      indexed -= byPrint.get(oldest)!.length;
      byPrint.delete(oldest);
    }
  };
  return {
    note(r) {
      if (r.source === 'telemetry' || r.flags.includes('blocked')) return;
      if (r.upstreamId) ids.add(r.upstreamId);
      addPrint(fingerprint(r.provider, r.model, r.usage), r.ts);
      if (r.responseModel && r.responseModel !== r.model) addPrint(fingerprint(r.provider, r.responseModel, r.usage), r.ts);
      if (ids.size > MAX_INDEXED) ids.delete(ids.values().next().value as string);
    },
    claim(c) {
      if (c.requestId && ids.has(c.requestId)) {
        ids.delete(c.requestId);
        return true;
      }
      if (!c.model) return false;
      const list = byPrint.get(fingerprint(c.provider, c.model, c.usage));
      if (!list) return false;
      const i = list.findIndex((ts) => Math.abs(ts - c.ts) <= MATCH_WINDOW_MS);
      if (i === -1) return false;
      list.splice(i, 1);
      indexed--;
      return true;
    },
  };
}
