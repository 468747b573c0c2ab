import { z } from 'zod';
import { DIMENSIONS } from '../ledger/schemas.js';
import { dayKey } from '../util/schema.js';

/** A year and a bit: enough for any export someone asks for, and a bound on the work one call can cause. */
export const MAX_DAYS = 400;

const range = {
  from: dayKey,
  to: dayKey,
};

function checkRange(r: { from: string; to: string }, ctx: z.core.$RefinementCtx) {
  if (r.from > r.to) return ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after "to"' });
  const days = (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 + 1;
  if (!Number.isFinite(days)) return ctx.addIssue({ code: 'custom', path: ['from'], message: 'is not a calendar day' });
  if (days > MAX_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${MAX_DAYS} days` });
}

export const exportSchemas = {
  'export.rollups': z.strictObject({ ...range, groupBy: z.array(z.enum(DIMENSIONS)).min(1).optional() }).superRefine(checkRange),
  'export.requests': z.strictObject(range).superRefine(checkRange),
};
