/** The core's part of the contract: status, spend, recent requests, keys, providers, prices, settings. */
import type { CreateKeyInput, KeyDto, UpdateKeyInput } from './keys.js';
import type { CustomProviderSettings, Settings } from './settings.js';
import type { RequestRecord, RollupRow } from './usage.js';

export type Dimension = 'day' | 'provider' | 'keyId' | 'model' | 'project';

export interface SpendQuery {
  /** Inclusive day keys ("2026-11-01") in the configured time zone. */
  from?: string;
  to?: string;
  groupBy?: Dimension[];
  provider?: string;
  keyId?: string;
  model?: string;
  project?: string;
}

export type SpendTotalsDto = Omit<RollupRow, Dimension>;
export type SpendRowDto = Partial<Pick<RollupRow, Dimension>> & SpendTotalsDto;

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

export interface ProviderDto {
  id: string;
  name: string;
  builtin: boolean;
  baseUrl: string;
  /** The base URL clients point at to go through Tollgate. */
  proxyUrl: string;
  pricingProviderId: string | null;
  free: boolean;
}

export interface StatusDto {
  version: string;
  url: string;
  host: string;
  port: number;
  dataDir: string;
  storePath: string | null;
  /** Problems in words: a corrupt file moved aside, a data folder that cannot be written… */
  problems: string[];
  priceSource: string;
  startedAt: number;
  timezone: string;
  hardStopEnforcement: boolean;
  paused: boolean;
}

export interface PriceLookupInput {
  provider: string;
  model: string;
}

export interface PriceLookupResult {
  priced: boolean;
  pricedModel: string | null;
  source: string | null;
  /** Dollars per million tokens at the base tier. */
  inputPerMTok: number | null;
  outputPerMTok: number | null;
  cacheReadPerMTok: number | null;
  cacheWrite5mPerMTok: number | null;
  cacheWrite1hPerMTok: number | null;
}

export interface CoreApiSpec {
  'status.get': { input: void; output: StatusDto };
  'spend.query': { input: SpendQuery; output: SpendResult };
  'requests.recent': { input: RecentQuery; output: RequestRecord[] };
  'keys.list': { input: void; output: KeyDto[] };
  'keys.create': { input: CreateKeyInput; output: { key: KeyDto; secret: string } };
  'keys.update': { input: UpdateKeyInput; output: KeyDto };
  'keys.revoke': { input: { id: string }; output: KeyDto };
  'providers.list': { input: void; output: ProviderDto[] };
  'providers.saveCustom': { input: CustomProviderSettings; output: ProviderDto };
  'providers.deleteCustom': { input: { id: string }; output: { deleted: boolean } };
  'prices.lookup': { input: PriceLookupInput; output: PriceLookupResult };
  'settings.get': { input: void; output: Settings };
  'settings.update': { input: Partial<Settings>; output: Settings };
}

export const CORE_CHANNELS = [
  'status.get',
  'spend.query',
  'requests.recent',
  'keys.list',
  'keys.create',
  'keys.update',
  'keys.revoke',
  'providers.list',
  'providers.saveCustom',
  'providers.deleteCustom',
  'prices.lookup',
  'settings.get',
  'settings.update',
] as const satisfies readonly (keyof CoreApiSpec)[];

export interface CoreEvents {
  'request.recorded': RequestRecord;
  'status.changed': StatusDto;
}

export const CORE_EVENTS = ['request.recorded', 'status.changed'] as const satisfies readonly (keyof CoreEvents)[];
