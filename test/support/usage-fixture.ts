import type { PollingEvents } from '../../src/main/contract/api-polling.js';
import type { PriceOverride } from '../../src/main/contract/settings.js';
import type { RequestRecord, TokenUsage } from '../../src/main/contract/usage.js';
import { createKeyRing } from '../../src/main/core/keys/key-ring.js';
import { createLedger } from '../../src/main/core/ledger/ledger.js';
import { createPriceDatabase } from '../../src/main/core/pricing/price-database.js';
import { createPricer } from '../../src/main/core/pricing/pricer.js';
import { USAGE_SOURCES } from '../../src/main/core/providers/usage-sources.js';
import { createFileSecrets } from '../../src/main/core/secrets/file-secrets.js';
import { createDayKeyer } from '../../src/main/core/time/zoned.js';
import { createUsagePolling, type UsagePolling } from '../../src/main/core/polling/polling.js';
import { createManualClock } from '../../src/main/core/util/clock.js';
import { createSilentLogger } from '../../src/main/core/util/log.js';
import { startFakeAdminApis, type FakeAdminApis } from './fake-admin-apis.js';
import { tempDir } from './harness.js';
import { createManualTimers, type ManualTimers } from './manual-timers.js';

/** 2026-01-15 12:00 UTC, the manual clock's default start. */
export const NOW = Date.UTC(2026, 0, 15, 12);
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const MINUTE = 60_000;

export type PolledEvent = { [K in keyof PollingEvents]: { name: K; payload: PollingEvents[K] } }[keyof PollingEvents];

export interface UsageFixture {
  polling: UsagePolling;
  fake: FakeAdminApis;
  clock: ReturnType<typeof createManualClock>;
  timers: ManualTimers;
  ledger: ReturnType<typeof createLedger>;
  keys: ReturnType<typeof createKeyRing>;
  events: PolledEvent[];
  dataDir: string;
  dirty: { count: number };
  log: ReturnType<typeof createSilentLogger>;
  /** Move the clock, firing due polls and waiting for each to finish. */
  advance(ms: number): Promise<void>;
  /** Record a call as the proxy would. */
  observe(r: Partial<RequestRecord> & { ts: number; provider: string; keyId: string; model: string; costUsd: number | null }): void;
  close(): Promise<void>;
}

const ZERO: TokenUsage = { inputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0 };

export async function createUsageFixture(
  opts: { start?: boolean; initial?: unknown; timezone?: string; periodStarts?: () => number[]; overrides?: PriceOverride[] } = {},
): Promise<UsageFixture> {
  const clock = createManualClock(NOW);
  const timers = createManualTimers(clock);
  const fake = await startFakeAdminApis({ now: () => clock.now() });
  const dataDir = tempDir('tollgate-usage-');
  const secrets = createFileSecrets(dataDir);
  const tz = opts.timezone ?? 'UTC';
  const dayKey = createDayKeyer(() => tz);
  const ledger = createLedger({ dayKey, recentLimit: () => 100, onChange: () => {} });
  const keys = createKeyRing({ secrets, clock, onChange: () => {} });
  const pricer = createPricer({ db: createPriceDatabase(), overrides: () => opts.overrides ?? [] });
  const events: PolledEvent[] = [];
  const dirty = { count: 0 };
  const log = createSilentLogger();
  const env = {
    TOLLGATE_OPENAI_ADMIN_BASE_URL: fake.url,
    TOLLGATE_ANTHROPIC_ADMIN_BASE_URL: fake.url,
    TOLLGATE_OPENROUTER_BASE_URL: fake.url,
  };
  const polling = createUsagePolling({
    sources: USAGE_SOURCES,
    fetch: globalThis.fetch,
    env,
    clock,
    timers,
    secrets,
    log,
    pricer,
    observed: (from, to) => ledger.rollups(from, to),
    tollgateKeys: () => keys.list(),
    dayKey,
    timezone: () => tz,
    initial: opts.initial,
    onChange: () => dirty.count++,
    events: { emit: (name, payload) => events.push({ name, payload } as PolledEvent) },
    periodStarts: opts.periodStarts,
  });
  if (opts.start !== false) polling.start();
  return {
    polling,
    fake,
    clock,
    timers,
    ledger,
    keys,
    events,
    dataDir,
    dirty,
    log,
    advance: (ms) => timers.advance(ms, () => polling.idle()),
    observe(r) {
      ledger.record({
        id: 'req_' + Math.random().toString(36).slice(2),
        durationMs: 1,
        ttfbMs: 1,
        operation: 'chat',
        responseModel: null,
        keyLabel: '',
        project: null,
        user: null,
        run: null,
        status: 200,
        stream: false,
        usage: { ...ZERO, inputTokens: 1000, outputTokens: 100 },
        pricedModel: r.model,
        priceSource: 'test',
        flags: [],
        ...r,
      });
    },
    async close() {
      polling.stop();
      await polling.idle();
      await fake.close();
    },
  };
}
