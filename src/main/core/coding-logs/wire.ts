import type { CodexRateLimitsDto } from '../../contract/routing.js';
import type { RequestRecord } from '../../contract/usage.js';
import type { Pricer } from '../pricing/pricer.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/events.js';
import { createIdGenerator } from '../util/ids.js';
import type { Logger } from '../util/log.js';
import { rememberSeen } from './import-state.js';
import { createCodingLogImporter, type CodingLogImporter } from './importer.js';
import type { History } from '../history/history.js';

/** The key ids imported calls are recorded under (to-record.ts: logs:claude-code, logs:codex). */
const LOG_KEY_PREFIX = 'logs:';

/** The proxy counts as busy (importer.ts busy) this long after it recorded a call. */
const BUSY_MS = 250;

/** Upstream ids of proxied calls kept for dedupe: far more than a day of heavy use. */
const MAX_PROXIED = 100_000;

export interface CodingLogWiring {
  claudeRoots: readonly string[];
  codexRoots: readonly string[];
  pollMs?: number;
  ledger: { record(r: RequestRecord): void; recent(f: { limit: number }): RequestRecord[] };
  /** Budgets count imported spend too (it never passed admission). */
  budgets: { addExternal(r: RequestRecord): void };
  events: Emitter<{ 'request.recorded': RequestRecord }>;
  pricer: Pricer;
  clock: Clock;
  log: Logger;
  initial: unknown;
  /** See keys-file.ts. */
  keysFile?: string;
  onChange: () => void;
  onCodexRateLimits?: (rl: CodexRateLimitsDto) => void;
  /** The history's pace (importer.ts room). */
  room?: () => Promise<void>;
  /** The history: its seqs mark how far the saved keys reach, and it holds the calls recorded after them. */
  history?: Pick<History, 'lastSeq' | 'importedSince'>;
}

/**
 * The importer inside the core: its records go to the ledger like proxied ones, and the upstream ids the proxy
 * records (now and in the stored recent list) mark calls the logs must not count again.
 */
export function wireCodingLogs(w: CodingLogWiring): CodingLogImporter {
  const proxied = new Set<string>();
  let lastProxied = -Infinity;
  const note = (r: RequestRecord) => {
    // Proxied calls only: imported and telemetry records never passed the proxy.
    if (r.source !== undefined && r.source !== 'proxy') return;
    lastProxied = performance.now();
    if (!r.upstreamId) return;
    rememberSeen(proxied, r.upstreamId, MAX_PROXIED);
  };
  for (const r of w.ledger.recent({ limit: MAX_PROXIED })) note(r);
  w.events.on('request.recorded', note);
  return createCodingLogImporter({
    claudeRoots: w.claudeRoots,
    codexRoots: w.codexRoots,
    pollMs: w.pollMs,
    pricer: w.pricer,
    // Route ids and price-database ids coincide for the two providers the tools call.
    target: (id) => ({ routeId: id, pricingProviderId: id, free: false }),
    record: (r) => {
      w.ledger.record(r);
      w.budgets.addExternal(r);
    },
    proxied: (id) => proxied.has(id),
    nextId: createIdGenerator('log'),
    clock: w.clock,
    log: w.log,
    initial: w.initial,
    keysFile: w.keysFile,
    onChange: w.onChange,
    onCodexRateLimits: w.onCodexRateLimits,
    room: w.room,
    busy: () => performance.now() - lastProxied < BUSY_MS,
    lastSeq: w.history ? () => w.history!.lastSeq : undefined,
    recordedSince: w.history ? (seq) => w.history!.importedSince(seq, LOG_KEY_PREFIX) : undefined,
  });
}

