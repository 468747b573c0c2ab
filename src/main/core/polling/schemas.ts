import { z } from 'zod';
import { byId, noInput, optionalDay, optionalText, query, text } from '../util/schema.js';
import { MAX_INTERVAL_MINUTES } from './backoff.js';

const range = { from: optionalDay, to: optionalDay };

/**
 * A saved connection by id, or a key before it is saved (TestConnectionInput); not a mix, which would leave
 * unclear which key was tested.
 */
const testSchema = z
  .strictObject({
    id: text(100).optional(),
    provider: text(100).optional(),
    adminKey: text(4000).optional(),
    baseUrl: z.string().max(2000).nullable().optional(),
  })
  .superRefine((o, ctx) => {
    if (o.id !== undefined) {
      for (const f of ['provider', 'adminKey', 'baseUrl'] as const) {
        if (o[f] !== undefined) ctx.addIssue({ code: 'custom', path: [f], message: 'does not apply when testing a saved connection by id' });
      }
      return;
    }
    if (o.provider === undefined) ctx.addIssue({ code: 'custom', path: ['provider'], message: 'required (or the id of a saved connection)' });
    if (o.adminKey === undefined) ctx.addIssue({ code: 'custom', path: ['adminKey'], message: 'required (or the id of a saved connection)' });
  });

export const pollingSchemas = {
  'usage.sources': noInput,
  'usage.connections.list': noInput,
  'usage.connections.save': z.strictObject({
    id: text(100).optional(),
    provider: text(100),
    name: optionalText(100),
    // "" or null on an update keeps the stored key (connections.ts, validateSave).
    adminKey: z.string().max(4000).nullable().optional(),
    intervalMinutes: z.number().min(1, 'must be at least 1: Tollgate polls a provider at most once a minute').max(MAX_INTERVAL_MINUTES).optional(),
    baseUrl: z.string().max(2000).nullable().optional(),
    enabled: z.boolean().optional(),
  }),
  'usage.connections.delete': byId,
  'usage.connections.test': testSchema,
  'usage.pollNow': query(z.strictObject({ id: text(100).optional() })),
  'usage.reconciliation': query(z.strictObject(range)),
  'usage.reported': query(z.strictObject({ ...range, connectionId: text(100).optional() })),
};
