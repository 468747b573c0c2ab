import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { BudgetAlert, Budget } from '../../contract/budgets.js';
import type { TeamRollupDto, TeamStatusDto } from '../../contract/api-team.js';
import type { RollupRow } from '../../contract/usage.js';
import type { Settings } from '../../contract/settings.js';
import type { BudgetEngine } from '../budgets/engine.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { createAlertClaims } from './alerts-once.js';
import { connectTeam, redactUrl, type TeamLink } from './connect.js';
import { createReplay, type Replay } from './replay.js';
import { createRollupShare } from './rollups.js';
import { createSharedAdmission, type FailMode, type SharedAdmission } from './shared-admission.js';
import { createSharedCounters } from './shared-counters.js';
import { createSync, type TeamDefinitions } from './sync.js';

export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_PREFIX = 'tollgate:';

/**
 * The fail mode a budget has when nobody set one. A hard stop promises that the budget is not passed, and
 * without the link no instance knows what the others spend, so such a budget blocks (closed); a budget with
 * only alert tiers has nothing to enforce and goes on against local counters (open).
 */
export const DEFAULT_FAIL_MODES = { hardStop: 'closed', noHardStop: 'open' } as const satisfies TeamStatusDto['defaultFailModes'];

export function defaultFailMode(b: Budget): FailMode {
  return b.hardStopPercent !== null ? DEFAULT_FAIL_MODES.hardStop : DEFAULT_FAIL_MODES.noHardStop;
}

export interface Team {
  readonly admission: SharedAdmission;
  readonly link: TeamLink;
  readonly replay: Replay;
  /** Delivers a budget alert unless another instance already did. */
  claimAlert(a: BudgetAlert, deliver: () => void): void;
  /** Tells the team that definitions, overrides or switches changed here. */
  shareDefinitions(): void;
  failModes(): Record<string, FailMode>;
  setFailMode(budgetId: string, mode: FailMode | 'default'): Record<string, FailMode>;
  status(): TeamStatusDto;
  /** The team's traffic on a day (default today): what every instance last wrote. */
  rollup(day?: string): Promise<TeamRollupDto>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface TeamDeps {
  url: string;
  /** Where spend waiting for the link is kept across restarts. */
  dataDir?: string;
  prefix?: string;
  leaseMs?: number;
  /** How long start() waits for the first connection before serving with the link down. */
  connectWaitMs?: number;
  engine: BudgetEngine;
  settings: () => Settings;
  updateSettings: (s: Settings) => void;
  clock: Clock;
  log: Logger;
  onStatus: () => void;
  /** This instance's ledger rollups for a day, and the day key of an instant (for the team's daily totals). */
  rows: (day: string) => RollupRow[];
  dayKey: (ms: number) => string;
}

/** Team mode: shared budgets on Redis (see docs/team.md). */
export function createTeam(d: TeamDeps): Team {
  const prefix = d.prefix ?? DEFAULT_PREFIX;
  const instanceId = randomUUID();
  const link = connectTeam(d.url, { log: d.log, now: () => d.clock.now() });
  const counters = createSharedCounters(link.redis, { prefix, leaseMs: d.leaseMs ?? DEFAULT_LEASE_MS, clock: d.clock });
  let modes: Record<string, FailMode> = {};
  const failMode = (b: Budget) => modes[b.id] ?? defaultFailMode(b);
  let lastError = 0;
  const onError = (e: Error) => {
    // One line a minute at most: a flapping link must not flood the log.
    if (d.clock.now() - lastError > 60_000) d.log.warn('team: a Redis call failed', { error: e.message });
    lastError = d.clock.now();
  };
  const applySpent = (spent: { key: string; periodKey: string; usd: number; tokens: number }[]) => {
    for (const s of spent) d.engine.applyShared(s.key, s.periodKey, s.usd, s.tokens);
  };
  const replay = createReplay({ counters, state: () => link.state, onSpent: applySpent, onError, ...(d.dataDir ? { file: path.join(d.dataDir, 'team-replay.json') } : {}) });
  const admission = createSharedAdmission({ engine: d.engine, counters, link, replay, failMode, enforced: () => d.settings().hardStopEnforcement, onError, now: () => d.clock.now() });
  const claims = createAlertClaims(link, prefix);

  const read = (): TeamDefinitions => {
    const snap = d.engine.snapshot();
    const s = d.settings();
    return { budgets: snap.budgets.filter((b) => b.source === 'api'), overrides: snap.overrides, paused: s.paused, hardStopEnforcement: s.hardStopEnforcement, failModes: modes };
  };
  const apply = (t: TeamDefinitions) => {
    d.engine.applyDefinitions(t.budgets, t.overrides);
    const changed = JSON.stringify(modes) !== JSON.stringify(t.failModes ?? {});
    modes = { ...t.failModes };
    // Fail modes are part of the status: a dashboard open on this machine shows one set on another.
    if (changed) d.onStatus();
    const s = d.settings();
    if (s.paused !== t.paused || s.hardStopEnforcement !== t.hardStopEnforcement) d.updateSettings({ ...s, paused: t.paused, hardStopEnforcement: t.hardStopEnforcement });
  };
  const rollups = createRollupShare({ link, prefix, instanceId, now: () => d.clock.now(), dayKey: d.dayKey, rows: d.rows });
  const sync = createSync({ link, prefix, instanceId, now: () => d.clock.now(), read, apply, log: d.log });

  link.onChange((s) => {
    d.onStatus();
    if (s === 'up') void replay.flush();
  });

  let renewTimer: NodeJS.Timeout | null = null;
  return {
    admission,
    link,
    replay,
    claimAlert: (a, deliver) => claims.claim(a, deliver),
    shareDefinitions: () => void sync.push(),
    failModes: () => ({ ...modes }),
    setFailMode(budgetId, mode) {
      const next = { ...modes };
      if (mode === 'default') delete next[budgetId];
      else next[budgetId] = mode;
      modes = next;
      void sync.push();
      d.onStatus();
      return { ...modes };
    },
    status: () => ({
      redis: redactUrl(d.url),
      link: link.state,
      downSince: link.downSince,
      pendingReplay: replay.pending,
      instanceId,
      failModes: { ...modes },
      defaultFailModes: { ...DEFAULT_FAIL_MODES },
    }),
    rollup: (day) => rollups.read(day),
    async start() {
      await new Promise<void>((resolve) => {
        if (link.state === 'up') return resolve();
        const t = setTimeout(resolve, d.connectWaitMs ?? 3_000);
        link.onChange((s) => {
          if (s === 'up') {
            clearTimeout(t);
            resolve();
          }
        });
      });
      await sync.start();
      // Spend kept from before a restart.
      if (link.state === 'up' && replay.pending) void replay.flush();
      // Leases of calls still running are renewed well before they run out, so only a dead instance's lapse.
      const every = Math.max(100, Math.floor(counters.leaseMs / 3));
      renewTimer = setInterval(() => {
        if (link.state !== 'up') return;
        counters.renew(admission.live()).catch(onError);
        // A settle that failed while the link stayed up (a timeout) is sent again here.
        if (replay.pending) void replay.flush();
      }, every);
      renewTimer.unref();
      rollups.start(onError);
    },
    async stop() {
      if (renewTimer) clearInterval(renewTimer);
      rollups.stop();
      await rollups.push().catch(onError);
      await replay.idle();
      replay.close();
      await link.close();
    },
  };
}
