import { z } from 'zod';
import type { PriceLookupResult, ProvidersApiSpec } from '../../contract/api.js';
import type { TokenUsage } from '../../contract/usage.js';
import type { Clock } from '../util/clock.js';
import { schemaApi, text } from '../util/schema.js';
import { emptyUsage } from '../util/token-usage.js';
import { ValidationError } from '../util/validation.js';
import type { Pricer, PricingTarget } from './pricer.js';

/** Prices are quoted on a small call and scaled: a million tokens at once would land in long-context tiers. */
const PROBE_TOKENS = 1000;
const SCALE = 1_000_000 / PROBE_TOKENS;

export const priceSchemas = { 'prices.lookup': z.strictObject({ provider: text(100), model: text(200) }) };

export interface PricingApiDeps {
  pricer: Pricer;
  clock: Clock;
  /** How a provider route is priced, or null when there is no such route. */
  target: (providerId: string) => PricingTarget | null;
}

/** Price lookups per million tokens, overrides applied: what the dashboard shows beside a model. */
export function createPricingApi(d: PricingApiDeps) {
  return schemaApi<Pick<ProvidersApiSpec, 'prices.lookup'>>()(priceSchemas, {
    'prices.lookup': async ({ provider, model }) => {
      const target = d.target(provider);
      if (!target) throw new ValidationError('provider', `"${provider}" is not a provider`);
      const at = d.clock.now();
      const per = (u: Partial<TokenUsage>) => {
        const q = d.pricer.quote(target, model, { ...emptyUsage(), ...u }, { at });
        return { ...q, costUsd: q.costUsd === null ? null : q.costUsd * SCALE };
      };
      const base = per({ inputTokens: PROBE_TOKENS });
      const result: PriceLookupResult = {
        priced: base.costUsd !== null,
        pricedModel: base.pricedModel,
        source: base.source,
        inputPerMTok: base.costUsd,
        outputPerMTok: per({ outputTokens: PROBE_TOKENS }).costUsd,
        cacheReadPerMTok: per({ inputTokens: PROBE_TOKENS, cacheReadTokens: PROBE_TOKENS }).costUsd,
        cacheWrite5mPerMTok: per({ inputTokens: PROBE_TOKENS, cacheWrite5mTokens: PROBE_TOKENS }).costUsd,
        cacheWrite1hPerMTok: per({ inputTokens: PROBE_TOKENS, cacheWrite1hTokens: PROBE_TOKENS }).costUsd,
      };
      return result;
    },
  });
}
