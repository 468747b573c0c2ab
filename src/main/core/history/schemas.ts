import { z } from 'zod';
import { FLAG_BITS } from './codec.js';
import { MAX_PAGE } from './search.js';
import { noInput, optionalText, query } from '../util/schema.js';

const ms = z.number().int().min(0).max(8.64e15).optional();

export const historySearchSchema = query(
  z
    .strictObject({
      from: ms,
      to: ms,
      provider: optionalText(),
      keyId: optionalText(),
      model: optionalText(),
      project: optionalText(),
      user: optionalText(),
      run: optionalText(),
      flag: z.enum(FLAG_BITS as unknown as [string, ...string[]]).optional(),
      status: z.number().int().min(100).max(599).optional(),
      minCostUsd: z.number().min(0).optional(),
      sort: z.enum(['time', 'cost']).optional(),
      limit: z.number().int().min(1).max(MAX_PAGE).optional(),
      cursor: z.string().regex(/^-?[\d.e+-]+:\d+$/, 'must be a cursor a previous page returned').optional(),
    })
    .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { path: ['from'], message: 'must not be after "to"' }),
);

export const historySaveExportSchema = z
  .strictObject({ from: ms, to: ms, format: z.enum(['csv', 'jsonl']) })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { path: ['from'], message: 'must not be after "to"' });

export const historySchemas = { 'history.search': historySearchSchema, 'history.info': noInput, 'history.saveExport': historySaveExportSchema };

/** The streamed export's query string: a time range (ms or ISO dates) and a format. */
export const exportQuerySchema = z.strictObject({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  format: z.enum(['csv', 'jsonl']).default('csv'),
});
