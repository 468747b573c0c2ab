import { z } from 'zod';
import { noInput, text } from '../util/schema.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day like 2026-11-30');

export const teamSchemas = {
  'team.status': noInput,
  'team.setFailMode': z.strictObject({ budgetId: text(200), mode: z.enum(['open', 'closed', 'local', 'default']) }),
  'team.rollup': z.preprocess((v) => v ?? {}, z.strictObject({ day: day.optional() })),
};
