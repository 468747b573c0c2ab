import type { ProviderDto, ProvidersApiSpec } from '../../contract/api.js';
import type { CustomProviderSettings } from '../../contract/settings.js';
import type { SettingsAccess } from '../settings/api.js';
import { applySettingsPatch, validateCustomProvider } from '../settings/settings.js';
import { schemaApi } from '../util/schema.js';
import { NotFoundError } from '../util/validation.js';
import type { ProviderRegistry } from './registry.js';
import { providerSchemas } from './schemas.js';

export interface ProvidersApiDeps extends SettingsAccess {
  registry: () => ProviderRegistry;
  /** The URL Tollgate listens on, which proxy URLs start with. */
  url: () => string;
}

/** The providers Tollgate routes to, and the custom ones people add (kept in settings). */
export function createProvidersApi(d: ProvidersApiDeps) {
  const providerDto = (id: string): ProviderDto => {
    const route = d.registry().routes().find((r) => r.provider.id === id);
    if (!route) throw new NotFoundError(`No provider "${id}".`);
    return {
      id,
      name: route.provider.name,
      builtin: !route.prefix.startsWith('/custom/'),
      baseUrl: route.provider.baseUrl,
      proxyUrl: d.url() + route.prefix + route.provider.clientBasePath,
      pricingProviderId: route.provider.pricingProviderId,
      free: route.provider.free,
    };
  };

  return schemaApi<Omit<ProvidersApiSpec, 'prices.lookup'>>()(providerSchemas, {
    'providers.list': async () => d.registry().routes().map((r) => providerDto(r.provider.id)),
    'providers.saveCustom': async (input) => {
      // Beyond the shape: the id's pattern, built-in ids, and URL rules, shared with settings.update.
      const cfg: CustomProviderSettings = validateCustomProvider(input, 'provider');
      const s = d.settings();
      const list = s.customProviders.filter((c) => c.id !== cfg.id).concat(cfg);
      d.updateSettings(applySettingsPatch(s, { customProviders: list }));
      return providerDto(cfg.id);
    },
    'providers.deleteCustom': async ({ id }) => {
      const s = d.settings();
      const list = s.customProviders.filter((c) => c.id !== id);
      if (list.length === s.customProviders.length) return { deleted: false };
      d.updateSettings(applySettingsPatch(s, { customProviders: list }));
      return { deleted: true };
    },
  });
}
