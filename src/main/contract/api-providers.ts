/** Providers' part of the contract: the routes Tollgate serves, custom providers, and price lookups per provider. */
import type { CustomProviderSettings } from './settings.js';

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

export interface ProvidersApiSpec {
  'providers.list': { input: void; output: ProviderDto[] };
  'providers.saveCustom': { input: CustomProviderSettings; output: ProviderDto };
  'providers.deleteCustom': { input: { id: string }; output: { deleted: boolean } };
  'prices.lookup': { input: PriceLookupInput; output: PriceLookupResult };
}

export const PROVIDER_CHANNELS = ['providers.list', 'providers.saveCustom', 'providers.deleteCustom', 'prices.lookup'] as const satisfies readonly (keyof ProvidersApiSpec)[];
