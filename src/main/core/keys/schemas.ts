import { z } from 'zod';
import { byId, clearableText, noInput, optionalText, text } from '../util/schema.js';

export const keySchemas = {
  'keys.list': noInput,
  'keys.create': z.strictObject({
    name: text(100),
    provider: text(100),
    providerKey: text(4000).refine((k) => !k.startsWith('tg_'), "must be the provider's own key, not a Tollgate key"),
    project: optionalText(),
    owner: optionalText(),
  }),
  // name: null (or blank) clears the name of a passthrough key; Tollgate keys always keep one.
  'keys.update': z.strictObject({ id: text(200), name: clearableText(100), project: clearableText(), owner: clearableText() }),
  'keys.revoke': byId,
};
