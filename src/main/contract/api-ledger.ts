/** The ledger's part of the contract: spend by day, provider, key, model and project; recent requests. */
import type { RequestRecord, RollupRow } from './usage.js';

export type Dimension = 'day' | 'provider' | 'keyId' | 'model' | 'project';
/** spend.query also groups by user and agent run; the CSV export keeps the five above. */
export type SpendDimension = Dimension | 'user' | 'run';

export interface SpendQuery {
  /** Inclusive day keys ("2026-11-01") in the configured time zone. */
  from?: string;
  to?: string;
  groupBy?: SpendDimension[];
  provider?: string;
  keyId?: string;
  model?: string;
  project?: string;
  user?: string;
  run?: string;
}

export type SpendTotalsDto = Omit<RollupRow, SpendDimension>;
export type SpendRowDto = Partial<Pick<RollupRow, SpendDimension>> & SpendTotalsDto;

export interface SpendResult {
  from: string | null;
  to: string | null;
  rows: SpendRowDto[];
  totals: SpendTotalsDto;
}

export interface RecentQuery {
  limit?: number;
  provider?: string;
  keyId?: string;
  model?: string;
  project?: string;
  flag?: string;
  beforeTs?: number;
}

export interface LedgerApiSpec {
  'spend.query': { input: SpendQuery; output: SpendResult };
  'requests.recent': { input: RecentQuery; output: RequestRecord[] };
}

export const LEDGER_CHANNELS = ['spend.query', 'requests.recent'] as const satisfies readonly (keyof LedgerApiSpec)[];

export interface LedgerEvents {
  'request.recorded': RequestRecord;
}

export const LEDGER_EVENTS = ['request.recorded'] as const satisfies readonly (keyof LedgerEvents)[];
