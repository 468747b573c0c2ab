import { z } from 'zod';
import { isValidZone } from '../time/zoned.js';
import { noInput, optionalText, text } from '../util/schema.js';

/** A custom provider as saved; URL and id rules beyond the shape are settings.ts's (validateCustomProvider). */
export const customProviderSchema = z.strictObject({
  id: text(40),
  name: text(100).optional(),
  baseUrl: text(2000),
  pricingProviderId: optionalText(100),
  free: z.boolean().optional(),
  authHeader: z.enum(['bearer', 'api-key']).optional(),
  injectStreamUsage: z.boolean().optional(),
  defaultModel: optionalText(),
});

const price = z.number().min(0).max(100_000);

export const priceOverrideSchema = z.strictObject({
  provider: text(100).optional(),
  model: text(200),
  inputPerMTok: price,
  outputPerMTok: price,
  cacheReadPerMTok: price.optional(),
  cacheWrite5mPerMTok: price.optional(),
  cacheWrite1hPerMTok: price.optional(),
  note: optionalText(),
});

/** Notification tiers in percent; their order is checked by validateTiers (settings.ts), which budgets share. */
export const thresholdsSchema = z.array(z.number().gt(0).max(1000)).min(1);
export const hardStopSchema = z.number().min(100).max(1000).nullable();
export const degradeMapSchema = z.record(z.string(), text(200));

export const timezoneSchema = text(100).refine(isValidZone, {
  error: (iss) => `"${String(iss.input)}" is not a time zone; use "local", "UTC" or a name like "Europe/Berlin"`,
});

/** A partial update: every key optional, none unknown, none null unless the setting itself may be null. */
export const settingsPatchSchema = z.strictObject({
  upstreams: z.record(z.string(), text(2000)).optional(),
  customProviders: z.array(customProviderSchema).optional(),
  recentLimit: z.number().int().min(10).max(100_000).optional(),
  historyRetentionDays: z.number().int().min(1).max(3650).optional(),
  bodyLimitBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).optional(),
  upstreamIdleTimeoutMs: z.number().int().min(1000).max(3_600_000).optional(),
  timezone: timezoneSchema.optional(),
  priceOverrides: z.array(priceOverrideSchema).optional(),
  hardStopEnforcement: z.boolean().optional(),
  paused: z.boolean().optional(),
  unpricedPolicy: z.enum(['allow', 'block']).optional(),
  alertWebhookUrl: z.string().max(2000).nullable().optional(),
  defaultThresholds: thresholdsSchema.optional(),
  defaultHardStopPercent: hardStopSchema.optional(),
  degradeMap: z.record(z.string(), degradeMapSchema).optional(),
  assumedMaxOutputTokens: z.number().int().min(1).max(10_000_000).optional(),
  clampFloorOutputTokens: z.number().int().min(1).max(10_000_000).optional(),
  importCodingLogs: z.boolean().optional(),
});

export const settingsSchemas = {
  'settings.get': noInput,
  'settings.update': settingsPatchSchema,
};
