import type { KeysApiSpec } from '../../contract/api.js';
import { schemaApi } from '../util/schema.js';
import { NotFoundError, ValidationError } from '../util/validation.js';
import type { KeyRing } from './key-ring.js';
import { keySchemas } from './schemas.js';

/** Wrapped keys: list, create, rename, revoke. */
export function createKeysApi(d: { keys: KeyRing; providerIds: () => string[] }) {
  return schemaApi<KeysApiSpec>()(keySchemas, {
    'keys.list': async () => d.keys.list(),
    'keys.create': async (o) => {
      const ids = d.providerIds();
      if (!ids.includes(o.provider)) throw new ValidationError('provider', `"${o.provider}" is not a provider; use one of ${ids.join(', ')}`);
      return d.keys.create(o);
    },
    'keys.update': async ({ id, ...fields }) => {
      const patch = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      const k = d.keys.update(id, patch);
      if (!k) throw new NotFoundError(`No wrapped key "${id}".`);
      return k;
    },
    'keys.revoke': async ({ id }) => {
      const k = d.keys.revoke(id);
      if (!k) throw new NotFoundError(`No wrapped key "${id}".`);
      return k;
    },
  });
}
