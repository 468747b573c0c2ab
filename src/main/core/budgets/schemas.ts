import { z } from 'zod';
import { BUDGET_SOURCES, PERIOD_KINDS } from '../../contract/budgets.js';
import { degradeMapSchema, hardStopSchema, thresholdsSchema } from '../settings/schemas.js';
import { byId, noInput, optionalText, text } from '../util/schema.js';

const money = z.number().gt(0).max(1e9);

/** The fields that belong to each period kind; any other is a mistake, not something to ignore. */
const PERIOD_FIELDS: Record<(typeof PERIOD_KINDS)[number], readonly string[]> = {
  day: [],
  week: ['weekStartsOn'],
  month: ['billingDay'],
  rolling: ['days'],
  total: [],
};

export const periodSchema = z
  .strictObject({
    kind: z.enum(PERIOD_KINDS),
    billingDay: z.number().int().min(1).max(28).optional(),
    days: z.number().int().min(1).max(366).optional(),
    weekStartsOn: z.literal([0, 1]).optional(),
  })
  .superRefine((p, ctx) => {
    for (const f of ['billingDay', 'days', 'weekStartsOn'] as const) {
      if (p[f] !== undefined && !PERIOD_FIELDS[p.kind].includes(f)) ctx.addIssue({ code: 'custom', path: [f], message: `does not apply to a ${p.kind} period` });
    }
    if (p.kind === 'rolling' && p.days === undefined) ctx.addIssue({ code: 'custom', path: ['days'], message: 'required: a rolling window needs its length in days' });
  });

const scopeSchema = z.strictObject({
  provider: optionalText(),
  project: optionalText(),
  keyId: optionalText(),
  user: optionalText(),
  model: optionalText(),
  run: optionalText(),
  team: optionalText(),
});

const runLimitsSchema = z
  .strictObject({
    maxIterations: z.number().int().min(1).max(1e7).nullable().optional(),
    maxTokensPerIteration: z.number().int().min(1).max(1e7).nullable().optional(),
  })
  .nullable();

/** Every field of a budget; create requires name and period, update only the id. */
const budgetFields = {
  name: text(100),
  scope: scopeSchema,
  period: periodSchema,
  limitUsd: money.nullable(),
  limitTokens: z.number().int().gt(0).max(1e9).nullable(),
  thresholds: thresholdsSchema,
  hardStopPercent: hardStopSchema,
  action: z.enum(['block', 'degrade']),
  degradeTo: degradeMapSchema,
  dailyGuardrailUsd: money.nullable(),
  counts: z.enum(['observed', 'reported', 'max']),
  runLimits: runLimitsSchema,
  admission: z.enum(['strict', 'expected']),
  sources: z.enum(BUDGET_SOURCES),
  enabled: z.boolean(),
};

const budgetCreate = z.strictObject({
  ...z.strictObject(budgetFields).partial().shape,
  name: budgetFields.name,
  period: budgetFields.period,
});

const budgetUpdate = z.strictObject({ ...z.strictObject(budgetFields).partial().shape, id: text(200) });

const overrideSchema = z.strictObject({
  budgetId: text(200),
  addUsd: money.nullable().optional(),
  addPercent: z.number().gt(0).max(10_000).nullable().optional(),
  expiresAt: z.number().optional(),
  minutes: z.number().min(1).max(60 * 24 * 90).optional(),
  reason: text(500),
});

const limitQuery = (max: number) => z.number().int().min(1).max(max).optional();

export const budgetSchemas = {
  'budgets.list': noInput,
  'budgets.create': budgetCreate,
  'budgets.update': budgetUpdate,
  'budgets.delete': byId,
  'budgets.override': overrideSchema,
  'budgets.cancelOverride': byId,
  'budgets.suggestions': noInput,
  'alerts.recent': z.preprocess((v) => v ?? {}, z.strictObject({ limit: limitQuery(1000) })),
  'audit.list': z.preprocess((v) => v ?? {}, z.strictObject({ limit: limitQuery(1000), kind: optionalText() })),
};
