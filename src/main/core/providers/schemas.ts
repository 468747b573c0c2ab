import { customProviderSchema } from '../settings/schemas.js';
import { byId, named, noInput } from '../util/schema.js';

export const providerSchemas = {
  'providers.list': noInput,
  'providers.saveCustom': named('provider', customProviderSchema),
  'providers.deleteCustom': byId,
};
