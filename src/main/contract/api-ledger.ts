/** The ledger's part of the contract: spend by day, provider, key, model and project; recent requests. */
import type { RecordSource, RequestRecord, RollupRow } from './usage.js';

export type Dimension = 'day' | 'provider' | 'keyId' | 'model' | 'project';

/** spend.query's dimensions: the rollups' own, and the source (proxy, logs or telemetry) derived from the key. */
export type SpendDimension = Dimension | 'source';

export interface SpendQuery {
  /** Inclusive day keys ("2026-11-01") in the configured time zone. */
  from?: string;
  to?: string;
  groupBy?: SpendDimension[];
  provider?: string;
  keyId?: string;
  model?: string;
  project?: string;
  source?: RecordSource;
}

export type SpendTotalsDto = Omit<RollupRow, Dimension>;
export type SpendRowDto = Partial<Pick<RollupRow, Dimension>> & { source?: RecordSource } & SpendTotalsDto;

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
