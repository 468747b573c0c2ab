import type { RequestRecord } from '../../contract/usage.js';
import type { TelemetryCall } from './call.js';

/** How far apart a proxied or logged call and the tool's event about it may be stamped. */
const MATCH_WINDOW_MS = 5 * 60_000;
const MAX_INDEXED = 100_000;
/** Records read when indexing starts: the calls of the last half hour on a busy machine. */
const ARM_READ = 20_000;
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

/** An event names a call made minutes before at most (exporters batch for seconds, retry for minutes). */
const KEEP_MS = 30 * 60_000;
/** A tool that exported nothing for a day has stopped exporting: the index is dropped until it starts again. */
const IDLE_MS = 24 * 60 * 60_000;

export interface CrossSourceDeps {
  now: () => number;
  /** The latest records of every source, oldest first: read when the index (re)starts. */
  latest: (limit: number) => RequestRecord[];
  /** When telemetry last arrived (persisted), so a restart keeps indexing for a tool that exports. */
  lastEventAt?: number;
}

/**
 * Calls the proxy or the log import already recorded, so an event about the same call is not counted again.
 * By id when both sides know one (the upstream's request id); otherwise by what both sides see the same way:
 * provider, model and token counts, stamped within a few minutes. The proxy records the upstream's message id,
 * which Claude Code's events do not carry, so for Claude Code the token match is what catches a routed call.
 * Each recorded call matches one event at most.
 *
 * Only a machine whose tools export telemetry pays for the index: it starts with the first event (filled from
 * the latest records, which already hold the call the event is about), keeps half an hour of calls, and is
 * dropped after a day without telemetry. Without it every proxied call would sit here for as long as the
 * bound allows, on machines that never export anything.
 */
export interface CrossSourceIndex {
  note(r: RequestRecord): void;
  /** True (and the recorded call is used up) when the call was already recorded by another source. */
  claim(c: TelemetryCall): boolean;
  /** When telemetry last arrived, for the snapshot. */
  lastEventAt(): number | null;
  /** How many calls are indexed (for tests and the memory figures). */
  size(): number;
}

interface Entry {
  ts: number;
  id: string | undefined;
  prints: string[];
}

export function createCrossSourceIndex(d: CrossSourceDeps): CrossSourceIndex {
  const ids = new Set<string>();
  const byPrint = new Map<string, number[]>();
  // Insertion order is recording order, close enough to time order for expiry (late imports expire early,
  // which only matters for an event that arrives half an hour after its call).
  let queue: Entry[] = [];
  let head = 0;
  let lastEvent = d.lastEventAt ?? null;
  let armed = false;

  const forget = (e: Entry) => {
    if (e.id) ids.delete(e.id);
    for (const p of e.prints) {
      const list = byPrint.get(p);
      const i = list ? list.indexOf(e.ts) : -1;
      if (i === -1) continue;
      list!.splice(i, 1);
      if (list!.length === 0) byPrint.delete(p);
    }
  };
  const expire = (now: number) => {
    while (head < queue.length && (queue.length - head > MAX_INDEXED || queue[head]!.ts < now - KEEP_MS)) forget(queue[head++]!);
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  };
  const add = (r: RequestRecord) => {
    if (r.source === 'telemetry' || r.flags.includes('blocked')) return;
    const prints = [fingerprint(r.provider, r.model, r.usage)];
    if (r.responseModel && r.responseModel !== r.model) prints.push(fingerprint(r.provider, r.responseModel, r.usage));
    for (const p of prints) {
      const list = byPrint.get(p);
      if (list) list.push(r.ts);
      else byPrint.set(p, [r.ts]);
    }
    if (r.upstreamId) ids.add(r.upstreamId);
    queue.push({ ts: r.ts, id: r.upstreamId, prints });
  };
  const arm = (now: number) => {
    armed = true;
    const from = now - KEEP_MS;
    for (const r of d.latest(ARM_READ)) if (r.ts >= from) add(r);
    expire(now);
  };
  const disarm = () => {
    armed = false;
    ids.clear();
    byPrint.clear();
    queue = [];
    head = 0;
  };
  if (lastEvent !== null && d.now() - lastEvent < IDLE_MS) arm(d.now());

  return {
    note(r) {
      if (!armed) return;
      const now = d.now();
      if (lastEvent === null || now - lastEvent >= IDLE_MS) return disarm();
      add(r);
      expire(now);
    },
    claim(c) {
      const now = d.now();
      lastEvent = now;
      if (!armed) arm(now);
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
      return true;
    },
    lastEventAt: () => lastEvent,
    size: () => queue.length - head,
  };
}
