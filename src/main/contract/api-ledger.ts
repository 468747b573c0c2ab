/** The ledger's part of the contract: spend by day, provider, key, model and project; recent requests. */
import type { RecordSource, RequestRecord, RollupRow } from './usage.js';

export type Dimension = 'day' | 'provider' | 'keyId' | 'model' | 'project';
/**
 * spend.query's dimensions: the CSV export's five above, the call's user and agent run, and the source (proxy,
 * logs or telemetry), which is derived from the key.
 */
export type SpendDimension = Dimension | 'user' | 'run' | 'source';

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
  source?: RecordSource;
}

export type SpendTotalsDto = Omit<RollupRow, SpendDimension>;
export type SpendRowDto = Partial<Pick<RollupRow, Exclude<SpendDimension, 'source'>>> & { source?: RecordSource } & SpendTotalsDto;

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
