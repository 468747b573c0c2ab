import { z } from 'zod';
import type { Dimension, SpendDimension } from '../../contract/api.js';
import { optionalDay, optionalText, query } from '../util/schema.js';

export const DIMENSIONS = ['day', 'provider', 'keyId', 'model', 'project'] as const satisfies readonly Dimension[];
/** What spend.query groups by: the export's five, the call's user and agent run, and its source (proxy, logs, telemetry). */
export const SPEND_DIMENSIONS = [...DIMENSIONS, 'user', 'run', 'source'] as const satisfies readonly SpendDimension[];

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
      user: optionalText(),
      run: optionalText(),
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
