import type { KeysApiSpec } from '../../contract/api.js';
import { schemaApi } from '../util/schema.js';
import { NotFoundError, ValidationError } from '../util/validation.js';
import type { KeyRing } from './key-ring.js';
import { keySchemas } from './schemas.js';

/** Wrapped keys: list, create, rename, revoke; keys seen in passthrough: name. */
export function createKeysApi(d: { keys: KeyRing; providerIds: () => string[] }) {
  return schemaApi<KeysApiSpec>()(keySchemas, {
    'keys.list': async () => d.keys.list(),
    'keys.create': async (o) => {
      const ids = d.providerIds();
      if (!ids.includes(o.provider)) throw new ValidationError('provider', `"${o.provider}" is not a provider; use one of ${ids.join(', ')}`);
      return d.keys.create(o);
    },
    'keys.update': async ({ id, ...fields }) => {
      if (id.startsWith('fp_')) {
        // A passthrough key is only a fingerprint: it can carry a name, but no project or owner to budget by.
        if (fields.project !== undefined) throw new ValidationError('project', 'only Tollgate keys have a project; name this key instead');
        if (fields.owner !== undefined) throw new ValidationError('owner', 'only Tollgate keys have an owner; name this key instead');
        if (fields.name === undefined) throw new ValidationError('name', 'required for a key seen in passthrough');
        const k = d.keys.nameObserved(id, fields.name);
        if (!k) throw new NotFoundError(`No key "${id}" has been seen in passthrough.`);
        return k;
      }
      if (fields.name === null) throw new ValidationError('name', 'a Tollgate key needs a name');
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
