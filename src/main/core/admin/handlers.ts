import type { ApiPart, CoreApiSpec, Dimension, PriceLookupResult, ProviderDto, SpendQuery, StatusDto } from '../../contract/api.js';
import type { CustomProviderSettings, Settings } from '../../contract/settings.js';
import type { TokenUsage } from '../../contract/usage.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Ledger } from '../ledger/ledger.js';
import { emptyTotals, addTotals, groupRollups } from '../ledger/rollups.js';
import type { Pricer } from '../pricing/pricer.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { applySettingsPatch, validateCustomProvider } from '../settings/settings.js';
import {
  NotFoundError,
  optionalString,
  requireNumber,
  requireObject,
  requireOneOf,
  requireString,
  ValidationError,
} from '../settings/validation.js';
import type { Clock } from '../util/clock.js';

const DIMENSIONS: readonly Dimension[] = ['day', 'provider', 'keyId', 'model', 'project'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface HandlerDeps {
  ledger: Ledger;
  keys: KeyRing;
  pricer: Pricer;
  registry: () => ProviderRegistry;
  settings: () => Settings;
  updateSettings: (next: Settings) => void;
  status: () => StatusDto;
  clock: Clock;
}

function optDay(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return requireString(v, field, { pattern: DAY, hint: 'must be a day like 2026-11-28' });
}

function optFilter(v: unknown, field: string): string | undefined {
  return optionalString(v, field) ?? undefined;
}

/** Prices are quoted on a small call and scaled: a million tokens at once would land in long-context tiers. */
const PROBE_TOKENS = 1000;
const SCALE = 1_000_000 / PROBE_TOKENS;

/** The core's API, implementing the contract. Every input is validated here: it may come from curl. */
export function createApiHandlers(d: HandlerDeps): ApiPart<CoreApiSpec> {
  const providerDto = (id: string): ProviderDto => {
    const route = d.registry().routes().find((r) => r.provider.id === id);
    if (!route) throw new NotFoundError(`No provider "${id}".`);
    const s = d.status();
    return {
      id,
      name: route.provider.name,
      builtin: !route.prefix.startsWith('/custom/'),
      baseUrl: route.provider.baseUrl,
      proxyUrl: s.url + route.prefix + route.provider.clientBasePath,
      pricingProviderId: route.provider.pricingProviderId,
      free: route.provider.free,
    };
  };

  return {
    'status.get': async () => d.status(),

    'spend.query': async (raw) => {
      const q = requireObject(raw ?? {}, 'query') as SpendQuery;
      const from = optDay(q.from, 'from');
      const to = optDay(q.to, 'to');
      if (from && to && from > to) throw new ValidationError('from', 'must not be after "to"');
      const groupBy = q.groupBy === undefined ? (['keyId', 'model'] as Dimension[]) : q.groupBy;
      if (!Array.isArray(groupBy)) throw new ValidationError('groupBy', `must be a list of ${DIMENSIONS.join(', ')}`);
      groupBy.forEach((g, i) => requireOneOf(g, `groupBy[${i}]`, DIMENSIONS));
      const filters = {
        provider: optFilter(q.provider, 'provider'),
        keyId: optFilter(q.keyId, 'keyId'),
        model: optFilter(q.model, 'model'),
        project: optFilter(q.project, 'project'),
      };
      const rows = d.ledger.rollups(from, to).filter(
        (r) =>
          (!filters.provider || r.provider === filters.provider) &&
          (!filters.keyId || r.keyId === filters.keyId) &&
          (!filters.model || r.model === filters.model) &&
          (!filters.project || r.project === filters.project),
      );
      const totals = emptyTotals();
      for (const r of rows) addTotals(totals, r);
      return { from: from ?? null, to: to ?? null, rows: groupRollups(rows, groupBy), totals };
    },

    'requests.recent': async (raw) => {
      const q = requireObject(raw ?? {}, 'query');
      return d.ledger.recent({
        limit: q.limit === undefined ? 100 : requireNumber(q.limit, 'limit', { min: 1, max: 10_000, integer: true }),
        provider: optFilter(q.provider, 'provider'),
        keyId: optFilter(q.keyId, 'keyId'),
        model: optFilter(q.model, 'model'),
        project: optFilter(q.project, 'project'),
        flag: optFilter(q.flag, 'flag'),
        beforeTs: q.beforeTs === undefined ? undefined : requireNumber(q.beforeTs, 'beforeTs', { min: 0 }),
      });
    },

    'keys.list': async () => d.keys.list(),

    'keys.create': async (raw) => {
      const o = requireObject(raw, 'key');
      const provider = requireString(o.provider, 'provider', { max: 100 });
      if (!d.registry().routes().some((r) => r.provider.id === provider)) {
        throw new ValidationError('provider', `"${provider}" is not a provider; use one of ${d.registry().routes().map((r) => r.provider.id).join(', ')}`);
      }
      const providerKey = requireString(o.providerKey, 'providerKey', { max: 4000 });
      if (providerKey.startsWith('tg_')) throw new ValidationError('providerKey', 'must be the provider\'s own key, not a Tollgate key');
      return d.keys.create({
        name: requireString(o.name, 'name', { max: 100 }),
        provider,
        providerKey,
        project: optionalString(o.project, 'project'),
        owner: optionalString(o.owner, 'owner'),
      });
    },

    'keys.update': async (raw) => {
      const o = requireObject(raw, 'key');
      const id = requireString(o.id, 'id');
      const patch: { name?: string; project?: string | null; owner?: string | null } = {};
      if (o.name !== undefined) patch.name = requireString(o.name, 'name', { max: 100 });
      if (o.project !== undefined) patch.project = optionalString(o.project, 'project');
      if (o.owner !== undefined) patch.owner = optionalString(o.owner, 'owner');
      const k = d.keys.update(id, patch);
      if (!k) throw new NotFoundError(`No wrapped key "${id}".`);
      return k;
    },

    'keys.revoke': async (raw) => {
      const id = requireString(requireObject(raw, 'key').id, 'id');
      const k = d.keys.revoke(id);
      if (!k) throw new NotFoundError(`No wrapped key "${id}".`);
      return k;
    },

    'providers.list': async () => d.registry().routes().map((r) => providerDto(r.provider.id)),

    'providers.saveCustom': async (raw) => {
      const cfg: CustomProviderSettings = validateCustomProvider(raw, 'provider');
      const s = d.settings();
      const list = s.customProviders.filter((c) => c.id !== cfg.id).concat(cfg);
      d.updateSettings(applySettingsPatch(s, { customProviders: list }));
      return providerDto(cfg.id);
    },

    'providers.deleteCustom': async (raw) => {
      const id = requireString(requireObject(raw, 'provider').id, 'id');
      const s = d.settings();
      const list = s.customProviders.filter((c) => c.id !== id);
      if (list.length === s.customProviders.length) return { deleted: false };
      d.updateSettings(applySettingsPatch(s, { customProviders: list }));
      return { deleted: true };
    },

    'prices.lookup': async (raw) => {
      const o = requireObject(raw, 'lookup');
      const providerId = requireString(o.provider, 'provider');
      const model = requireString(o.model, 'model');
      const route = d.registry().routes().find((r) => r.provider.id === providerId);
      if (!route) throw new ValidationError('provider', `"${providerId}" is not a provider`);
      const target = { routeId: providerId, pricingProviderId: route.provider.pricingProviderId, free: route.provider.free };
      const at = d.clock.now();
      const zero: TokenUsage = { inputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0 };
      const quote = (u: Partial<TokenUsage>) => d.pricer.quote(target, model, { ...zero, ...u }, { at });
      const per = (u: Partial<TokenUsage>) => {
        const q = quote(u);
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

    'settings.get': async () => d.settings(),

    'settings.update': async (raw) => {
      const next = applySettingsPatch(d.settings(), raw);
      d.updateSettings(next);
      return next;
    },
  };
}
