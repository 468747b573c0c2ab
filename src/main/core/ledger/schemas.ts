import { z } from 'zod';
import type { Dimension } from '../../contract/api.js';
import { optionalDay, optionalText, query } from '../util/schema.js';

export const DIMENSIONS = ['day', 'provider', 'keyId', 'model', 'project'] as const satisfies readonly Dimension[];

/** spend.query also groups and filters by source (proxy, logs, telemetry). */
const SPEND_DIMENSIONS = [...DIMENSIONS, 'source'] as const;

export const spendQuerySchema = query(
  z
    .strictObject({
      from: optionalDay,
      to: optionalDay,
      groupBy: z.array(z.enum(SPEND_DIMENSIONS)).optional(),
      provider: optionalText(),
      keyId: optionalText(),
      model: optionalText(),
      project: optionalText(),
      source: z.enum(['proxy', 'logs', 'telemetry']).optional(),
    })
    .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['from'], message: 'must not be after "to"' }),
);

export const recentQuerySchema = query(
  z.strictObject({
    limit: z.number().int().min(1).max(10_000).optional(),
    provider: optionalText(),
    keyId: optionalText(),
    model: optionalText(),
    project: optionalText(),
    flag: optionalText(),
    beforeTs: z.number().min(0).optional(),
  }),
);
