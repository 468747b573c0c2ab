import type { ApiPart, BudgetApiSpec } from '../../contract/api.js';
import type { BudgetAlert, BudgetStatus } from '../../contract/budgets.js';
import type { Settings } from '../../contract/settings.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Pricer } from '../pricing/pricer.js';
import type { Tokenizer } from '../tokens/tokenizer.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { createBudgetApi } from './api.js';
import { createBudgetEngine, type BudgetEngine } from './engine.js';
import { readBudgetFile, watchBudgetFile } from './file-config.js';

export interface BudgetModule {
  engine: BudgetEngine;
  api: ApiPart<BudgetApiSpec>;
  start(): void;
  stop(): void;
  /** Problems in words (an invalid budgets.json), for the status screen. */
  problems(): string[];
}

const SWEEP_MS = 15_000;
const CHANGED_THROTTLE_MS = 250;

/** The budget engine with its timers, its budgets.json and its throttled change events. */
export function createBudgetModule(d: {
  dataDir: string;
  clock: Clock;
  log: Logger;
  settings: () => Settings;
  pricer: Pricer;
  tokenizer: Tokenizer;
  ledger: Ledger;
  keyLabel: (id: string) => string;
  initial: unknown;
  markDirty: () => void;
  onAlert: (a: BudgetAlert) => void;
  /** Budget statuses changed; `list` computes them, so nobody pays for a list no one reads. */
  onStatuses: (list: () => BudgetStatus[]) => void;
}): BudgetModule {
  let changedTimer: NodeJS.Timeout | null = null;
  let fileProblem: string | null = null;
  // Statuses are recomputed for listeners at most four times a second, however many requests settle.
  const changed = () => {
    d.markDirty();
    if (changedTimer) return;
    changedTimer = setTimeout(() => {
      changedTimer = null;
      d.onStatuses(() => engine.list());
    }, CHANGED_THROTTLE_MS);
    changedTimer.unref();
  };
  const engine = createBudgetEngine({
    clock: d.clock,
    settings: d.settings,
    pricer: d.pricer,
    tokenizer: d.tokenizer,
    keyLabel: d.keyLabel,
    initial: d.initial,
    onChange: changed,
    onAlert: d.onAlert,
  });
  const api = createBudgetApi({ engine, ledger: d.ledger, clock: d.clock, settings: d.settings, keyLabel: d.keyLabel });

  const loadFile = () => {
    const r = readBudgetFile(d.dataDir, d.settings(), d.clock.now());
    if (r === null) {
      fileProblem = null;
      engine.replaceFileBudgets([]);
    } else if ('error' in r) {
      fileProblem = r.error;
      d.log.warn(r.error);
    } else {
      try {
        engine.replaceFileBudgets(r.budgets);
        fileProblem = null;
      } catch (err) {
        fileProblem = `budgets.json was not applied: ${(err as Error).message}`;
      }
    }
  };

  let sweepTimer: NodeJS.Timeout | null = null;
  let unwatch: (() => void) | null = null;
  return {
    engine,
    api,
    problems: () => (fileProblem ? [fileProblem] : []),
    start() {
      // With a hard stop configured, load the tokenizer now, in the background, rather than on the first call near
      // a limit: until it is ready admission bounds a prompt by its bytes, and a coding agent's first request
      // (Claude Code's is ~78 KB of system prompt and tools, ~20,000 tokens) would be clamped about three times
      // harder, or blocked. Budgets made later start it themselves (engine.ts); without any it is never loaded.
      if (engine.snapshot().budgets.some((b) => b.hardStopPercent !== null)) void d.tokenizer.ready();
      loadFile();
      unwatch = watchBudgetFile(d.dataDir, loadFile);
      sweepTimer = setInterval(() => engine.sweep(), SWEEP_MS);
      sweepTimer.unref();
    },
    stop() {
      if (sweepTimer) clearInterval(sweepTimer);
      if (changedTimer) clearTimeout(changedTimer);
      unwatch?.();
    },
  };
}
