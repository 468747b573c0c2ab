import fs from 'node:fs';
import type { RequestRecord } from '../../contract/usage.js';
import type { Pricer, PricingTarget } from '../pricing/pricer.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { parseClaudeCodeLine } from './claude-code.js';
import { newCodexState, parseCodexLine } from './codex.js';
import type { LogEntry } from './entry.js';
import { loadImportState, type ImportSnapshot } from './import-state.js';
import { readNewLines } from './line-reader.js';
import { createCallMerger } from './call-merger.js';
import { listLogFiles } from './scan.js';
import { entryToRecord } from './to-record.js';
import { createImportSaver } from './import-saver.js';
import type { ImportedCall } from '../history/reads.js';
import type { CodexRateLimitsDto } from '../../contract/routing.js';
import { parseCodexRateLimits } from '../subscriptions/codex-limits.js';

export const BACKFILL_MS = 30 * 24 * 3600_000;
/**
 * The longest the importer works without yielding to the proxy (a proxied call arriving meanwhile waits this, and
 * the commit of the calls recorded in it: a slice's records are one history transaction).
 */
const SLICE_MS = 5;
/** How long it then rests: time the proxy's calls get even when the import would keep a core busy. */
const REST_MS = 3;
/**
 * The rest while the proxy is serving calls (deps.busy): the import then takes about a third of the main thread
 * rather than three fifths, so a proxied call meets fewer of its slices and of the collections its garbage
 * brings. A month's import takes longer only while calls are flowing.
 */
const BUSY_REST_MS = 10;

/** Merged calls are recorded once this many are collected, so memory stays bounded however large a file is. */
const BATCH = 100;

/** What every Claude Code line that counts contains (parseClaudeCodeLine checks it too): others are not decoded. */
const USAGE = Buffer.from('"usage"');

type Entry = LogEntry & { fromCount?: boolean };

export interface CodingLogImporterDeps {
  claudeRoots: readonly string[];
  codexRoots: readonly string[];
  pricer: Pricer;
  /** How calls to a route are priced (anthropic, openai). */
  target: (providerId: string) => PricingTarget;
  record: (r: RequestRecord) => void;
  /** Whether the proxy already recorded the call with this upstream id. */
  proxied: (upstreamId: string) => boolean;
  nextId: () => string;
  clock: Clock;
  log: Logger;
  initial?: unknown;
  /**
   * Where the dedupe keys are kept (see keys-file.ts). Without it they are part of the snapshot, which suits a
   * store that is not a file.
   */
  keysFile?: string;
  onChange: () => void;
  /** The poll that backs up fs.watch (which misses events on some file systems). */
  pollMs?: number;
  /**
   * A line is taken once it is this old (default 1 s): a call that also passed the proxy is recorded there when its
   * stream ends, which can be a moment after the tool wrote the line; until then its upstream id is unknown here.
   */
  graceMs?: number;
  /** Codex's own rate-limit figures, from each token_count line that carries them. */
  onCodexRateLimits?: (rl: CodexRateLimitsDto) => void;
  /** The history seq of the last call recorded (saved with the keys). */
  lastSeq?: () => number;
  /** The calls imported from logs that the history holds after this seq (read once, at start). */
  recordedSince?: (seq: number) => Iterable<ImportedCall>;
  /**
   * Resolves once what was recorded can take more (the history's commits caught up: history.ts room()). The
   * import waits for it after each slice: recorded faster than committed, a month's calls would pile up in memory,
   * and the proxy's own records would end up waiting for the commits.
   */
  room?: () => Promise<void>;
  /** Whether the proxy is serving calls now: the import then rests longer between slices (BUSY_REST_MS). */
  busy?: () => boolean;
}

export interface CodingLogImporter {
  start(): void;
  stop(): void;
  /** Reads every log's new lines now; resolves to how many calls were recorded. */
  sync(): Promise<number>;
  snapshot(): ImportSnapshot;
}

/**
 * Imports spend that never passed the proxy from Claude Code transcripts and Codex rollouts: each file is read
 * from where it was read to last, complete lines only; the first run takes the last 30 days.
 */
export function createCodingLogImporter(d: CodingLogImporterDeps): CodingLogImporter {
  const { files, seen } = loadImportState(d.initial);
  const saver = createImportSaver({ keysFile: d.keysFile, seen, lastSeq: d.lastSeq, recordedSince: d.recordedSince, clock: d.clock, log: d.log, onChange: d.onChange });
  const watchers: fs.FSWatcher[] = [];
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let again = false;
  // Until start(), only sync() reads: no watchers, polls or retries.
  let stopped = true;
  const grace = d.graceMs ?? 1000;
  let retry: NodeJS.Timeout | null = null;
  /** One timer for the earliest deferred line. */
  const later = (ms: number) => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = null;
      kick();
    }, Math.max(10, ms + 10));
    retry.unref();
  };

  function take(e: LogEntry, cutoff: number): boolean {
    if (e.ts < cutoff) return false;
    if (e.dedupeKeys.some((k) => seen.has(k))) return false;
    if ((e.upstreamId && d.proxied(e.upstreamId)) || saver.recordedBefore(e)) {
      for (const k of e.marks) seen.add(k);
      return false;
    }
    for (const k of e.marks) seen.add(k);
    d.record(entryToRecord(e, d.nextId(), d.pricer, d.target(e.provider)));
    return true;
  }

  async function readFile(file: string, kind: 'claude' | 'codex', cutoff: number): Promise<number> {
    let prev = files.get(file) ?? null;
    if (prev) {
      const st = await fs.promises.stat(file);
      // Rotated (a new inode) or truncated (shorter than where it was read to): read it again from the start,
      // with a clean Codex state; calls already taken are recognised by their keys.
      if (st.ino !== prev.ino || st.size < prev.offset) prev = null;
      else if (st.size === prev.offset && st.mtimeMs === prev.mtimeMs) return 0;
    }
    const codex = kind === 'codex' ? { ...newCodexState(), ...(prev?.codex ?? {}) } : undefined;
    // The Codex state as it was before the current line, in one reused object (a copy per line is garbage).
    const before = codex ? { ...codex } : null;
    const calls = createCallMerger<Entry>();
    // Codex token_count entries wait for the end of the read: a rollout that writes per-response records counts
    // those, and its token_count lines, which may come first, repeat the same calls.
    const counts = createCallMerger<Entry>();
    const now = d.clock.now();
    let n = 0;
    let slice = performance.now();
    // A month of logs is read while the proxy serves: the import rests every few milliseconds of work.
    const pace = async () => {
      if (performance.now() - slice <= SLICE_MS) return;
      await new Promise((r) => setTimeout(r, d.busy?.() ? BUSY_REST_MS : REST_MS));
      if (d.room) await d.room();
      slice = performance.now();
    };
    const takeAll = async (list: Entry[]) => {
      for (const e of list) {
        await pace();
        if (take(e, cutoff)) n++;
      }
    };
    const onLine = (line: string) => {
      if (codex && before) Object.assign(before, codex);
      const e: Entry | null = codex ? parseCodexLine(line, codex) : parseClaudeCodeLine(line);
      if (e && now - e.ts < grace) {
        // Too fresh: read it again once the grace has passed, with the state as it was before it.
        if (codex && before) Object.assign(codex, before);
        later(e.ts + grace - now);
        return false;
      }
      if (e) (e.fromCount ? counts : calls).add(e);
      if (codex && d.onCodexRateLimits) {
        const rl = parseCodexRateLimits(line);
        if (rl) d.onCodexRateLimits(rl);
      }
      return true;
    };
    const cursor = await readNewLines(
      file,
      prev,
      onLine,
      async () => {
        if (calls.size >= BATCH) await takeAll(calls.drain(false));
        await pace();
      },
      codex ? undefined : USAGE,
    );
    await takeAll(calls.drain(true));
    if (!codex?.hasRecords) await takeAll(counts.drain(true));
    if (!cursor) return n;
    if (!prev || prev.ino !== cursor.ino || prev.offset !== cursor.offset || n > 0) {
      files.set(file, { ...cursor, ...(codex ? { codex } : {}) });
      saver.changed();
    }
    return n;
  }

  async function syncOnce(): Promise<number> {
    const cutoff = d.clock.now() - BACKFILL_MS;
    let n = 0;
    for (const [roots, kind] of [[d.claudeRoots, 'claude'], [d.codexRoots, 'codex']] as const) {
      for (const root of roots) {
        for (const file of await listLogFiles(root, cutoff)) {
          try {
            n += await readFile(file, kind, cutoff);
          } catch (err) {
            d.log.warn('could not read a coding tool log', { error: (err as Error).message });
          }
        }
      }
    }
    return n;
  }

  function sync(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let n = 0;
      do {
        again = false;
        n += await syncOnce();
      } while (again && !stopped);
      running = null;
      saver.synced();
      return n;
    })();
    return running;
  }

  const kick = () => {
    if (!stopped) sync().catch((err: unknown) => d.log.warn('coding tool log import failed', { error: (err as Error).message }));
  };

  return {
    start() {
      stopped = false;
      for (const root of [...d.claudeRoots, ...d.codexRoots]) {
        try {
          const w = fs.watch(root, { recursive: true }, kick);
          w.on('error', () => w.close());
          watchers.push(w);
        } catch {
          // The folder does not exist (yet), or the platform cannot watch it: the poll covers it.
        }
      }
      timer = setInterval(kick, d.pollMs ?? 1000);
      timer.unref();
      kick();
    },
    stop() {
      stopped = true;
      saver.stop();
      for (const w of watchers.splice(0)) w.close();
      if (timer) clearInterval(timer);
      if (retry) clearTimeout(retry);
      timer = null;
      retry = null;
    },
    sync,
    snapshot: () => ({ version: 2, files: Object.fromEntries(files), ...(d.keysFile ? {} : { keys: seen.encode() }) }),
  };
}
