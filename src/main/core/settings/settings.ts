import type { CustomProviderSettings, PriceOverride, Settings } from '../../contract/settings.js';
import { BUILTIN_PROVIDERS } from '../providers/index.js';
import { isValidZone } from '../time/zoned.js';
import {
  requireBoolean,
  requireHttpUrl,
  requireNumber,
  requireObject,
  requireOneOf,
  requireString,
  optionalString,
  ValidationError,
} from '../util/validation.js';

export const BUILTIN_UPSTREAMS: Readonly<Record<string, string>> = Object.fromEntries(
  BUILTIN_PROVIDERS.map((p) => [p.id, p.defaultBaseUrl]),
);

export function defaultSettings(): Settings {
  return {
    upstreams: { ...BUILTIN_UPSTREAMS },
    customProviders: [],
    recentLimit: 500,
    bodyLimitBytes: 32 * 1024 * 1024,
    upstreamIdleTimeoutMs: 600_000,
    timezone: 'local',
    priceOverrides: [],
    hardStopEnforcement: true,
    paused: false,
    unpricedPolicy: 'allow',
    alertWebhookUrl: null,
    defaultThresholds: [50, 80, 100],
    defaultHardStopPercent: 120,
    // Each provider's defaults live in its folder (providers/<id>/defaults.ts); copies, so edits stay per settings.
    degradeMap: Object.fromEntries(BUILTIN_PROVIDERS.map((p) => [p.id, { ...p.degradeDefaults }])),
    assumedMaxOutputTokens: 32_768,
    clampFloorOutputTokens: 1024,
    importCodingLogs: true,
    historyRetentionDays: 90,
  };
}

/** Thresholds: ascending percents in (0, 1000]; the hard stop ≥ 100 or null. Shared with budget validation. */
export function validateTiers(thresholds: unknown, hardStop: unknown, field: { thresholds: string; hardStop: string }): { thresholds: number[]; hardStop: number | null } {
  if (!Array.isArray(thresholds) || thresholds.length === 0) throw new ValidationError(field.thresholds, 'must be a list of percents such as [50, 80, 100]');
  const t = thresholds.map((v, i) => requireNumber(v, `${field.thresholds}[${i}]`, { min: 0, exclusiveMin: true, max: 1000 }));
  for (let i = 1; i < t.length; i++) {
    if (t[i]! <= t[i - 1]!) throw new ValidationError(`${field.thresholds}[${i}]`, 'thresholds must be in ascending order');
  }
  if (hardStop === null) return { thresholds: t, hardStop: null };
  const h = requireNumber(hardStop, field.hardStop, { min: 100, max: 1000 });
  return { thresholds: t, hardStop: h };
}

export function validateDegradeMap(v: unknown, field: string): Record<string, string> {
  const o = requireObject(v, field);
  const out: Record<string, string> = {};
  for (const [from, to] of Object.entries(o)) out[requireString(from, `${field} key`, { max: 200 })] = requireString(to, `${field}.${from}`, { max: 200 });
  return out;
}

const ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const RESERVED_IDS = new Set(BUILTIN_PROVIDERS.map((p) => p.id));

/**
 * Built-in upstream roots carry no API version: the client's path brings /v1 or /v1beta. A trailing
 * /v1 that people paste out of habit is dropped so the path is not doubled.
 */
export function normaliseUpstreamRoot(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1(beta|alpha)?$/, '');
}

export function validateCustomProvider(v: unknown, field = 'customProvider'): CustomProviderSettings {
  const o = requireObject(v, field);
  const id = requireString(o.id, `${field}.id`, { pattern: ID, hint: 'must be lowercase letters, digits and dashes, e.g. "openrouter"' });
  if (RESERVED_IDS.has(id)) throw new ValidationError(`${field}.id`, `"${id}" is a built-in provider`);
  return {
    id,
    name: requireString(o.name ?? id, `${field}.name`, { max: 100 }),
    baseUrl: requireHttpUrl(o.baseUrl, `${field}.baseUrl`),
    pricingProviderId: optionalString(o.pricingProviderId, `${field}.pricingProviderId`, { max: 100 }),
    free: o.free === undefined ? false : requireBoolean(o.free, `${field}.free`),
    authHeader: o.authHeader === undefined ? 'bearer' : requireOneOf(o.authHeader, `${field}.authHeader`, ['bearer', 'api-key'] as const),
    injectStreamUsage: o.injectStreamUsage === undefined ? true : requireBoolean(o.injectStreamUsage, `${field}.injectStreamUsage`),
    defaultModel: optionalString(o.defaultModel, `${field}.defaultModel`),
  };
}

export function validatePriceOverride(v: unknown, field: string): PriceOverride {
  const o = requireObject(v, field);
  const price = (k: string, required: boolean) => {
    if (!required && o[k] === undefined) return undefined;
    return requireNumber(o[k], `${field}.${k}`, { min: 0, max: 100_000 });
  };
  const out: PriceOverride = {
    provider: requireString(o.provider ?? '*', `${field}.provider`, { max: 100 }),
    model: requireString(o.model, `${field}.model`, { max: 200 }),
    inputPerMTok: price('inputPerMTok', true)!,
    outputPerMTok: price('outputPerMTok', true)!,
  };
  for (const k of ['cacheReadPerMTok', 'cacheWrite5mPerMTok', 'cacheWrite1hPerMTok'] as const) {
    const p = price(k, false);
    if (p !== undefined) out[k] = p;
  }
  const note = optionalString(o.note, `${field}.note`);
  if (note) out.note = note;
  return out;
}

/** null or "" turns the webhook off. Unlike upstreams, a query is kept: some services put their token there. */
export function validateWebhookUrl(v: unknown, field: string): string | null {
  if (v === null || v === '') return null;
  const s = requireString(v, field, { max: 2000 });
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new ValidationError(field, 'must be a URL such as https://hooks.slack.com/services/…');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ValidationError(field, 'must start with http:// or https://');
  if (u.username || u.password) throw new ValidationError(field, 'must not carry a user name or password');
  return s;
}

/** Validates a partial update against the current settings; returns the whole new settings or throws naming the field. */
export function applySettingsPatch(current: Settings, patch: unknown): Settings {
  const p = requireObject(patch, 'settings');
  const next: Settings = structuredClone(current);
  for (const [k, v] of Object.entries(p)) {
    switch (k) {
      case 'upstreams': {
        const o = requireObject(v, 'upstreams');
        for (const [id, url] of Object.entries(o)) {
          if (!(id in BUILTIN_UPSTREAMS)) throw new ValidationError(`upstreams.${id}`, `is not a built-in provider (${Object.keys(BUILTIN_UPSTREAMS).join(', ')}); add it as a custom provider`);
          next.upstreams[id] = normaliseUpstreamRoot(requireHttpUrl(url, `upstreams.${id}`));
        }
        break;
      }
      case 'customProviders': {
        if (!Array.isArray(v)) throw new ValidationError('customProviders', 'must be a list');
        const list = v.map((c, i) => validateCustomProvider(c, `customProviders[${i}]`));
        const ids = new Set<string>();
        list.forEach((c, i) => {
          if (ids.has(c.id)) throw new ValidationError(`customProviders[${i}].id`, `"${c.id}" is used twice`);
          ids.add(c.id);
        });
        next.customProviders = list;
        break;
      }
      case 'recentLimit':
        next.recentLimit = requireNumber(v, k, { min: 10, max: 100_000, integer: true });
        break;
      case 'historyRetentionDays':
        next.historyRetentionDays = requireNumber(v, k, { min: 1, max: 3650, integer: true });
        break;
      case 'bodyLimitBytes':
        next.bodyLimitBytes = requireNumber(v, k, { min: 1024, max: 1024 * 1024 * 1024, integer: true });
        break;
      case 'upstreamIdleTimeoutMs':
        next.upstreamIdleTimeoutMs = requireNumber(v, k, { min: 1000, max: 3_600_000, integer: true });
        break;
      case 'timezone': {
        const tz = requireString(v, k, { max: 100 });
        if (!isValidZone(tz)) throw new ValidationError(k, `"${tz}" is not a time zone; use "local", "UTC" or a name like "Europe/Berlin"`);
        next.timezone = tz;
        break;
      }
      case 'priceOverrides':
        if (!Array.isArray(v)) throw new ValidationError(k, 'must be a list');
        next.priceOverrides = v.map((o, i) => validatePriceOverride(o, `priceOverrides[${i}]`));
        break;
      case 'hardStopEnforcement':
        next.hardStopEnforcement = requireBoolean(v, k);
        break;
      case 'paused':
        next.paused = requireBoolean(v, k);
        break;
      case 'importCodingLogs':
        next.importCodingLogs = requireBoolean(v, k);
        break;
      case 'unpricedPolicy':
        next.unpricedPolicy = requireOneOf(v, k, ['allow', 'block'] as const);
        break;
      case 'alertWebhookUrl':
        next.alertWebhookUrl = validateWebhookUrl(v, k);
        break;
      case 'defaultThresholds':
      case 'defaultHardStopPercent': {
        const t = validateTiers(k === 'defaultThresholds' ? v : next.defaultThresholds, k === 'defaultHardStopPercent' ? v : next.defaultHardStopPercent, {
          thresholds: 'defaultThresholds',
          hardStop: 'defaultHardStopPercent',
        });
        next.defaultThresholds = t.thresholds;
        next.defaultHardStopPercent = t.hardStop;
        break;
      }
      case 'degradeMap': {
        const o = requireObject(v, k);
        next.degradeMap = Object.fromEntries(Object.entries(o).map(([provider, map]) => [provider, validateDegradeMap(map, `degradeMap.${provider}`)]));
        break;
      }
      case 'assumedMaxOutputTokens':
        next.assumedMaxOutputTokens = requireNumber(v, k, { min: 1, max: 10_000_000, integer: true });
        break;
      case 'clampFloorOutputTokens':
        next.clampFloorOutputTokens = requireNumber(v, k, { min: 1, max: 10_000_000, integer: true });
        break;
      default:
        throw new ValidationError(k, 'is not a setting');
    }
  }
  return next;
}

/** Settings as stored, merged over defaults; anything invalid in the file falls back to its default, with a note. */
export function loadSettings(stored: unknown, problems: string[]): Settings {
  const base = defaultSettings();
  if (!stored || typeof stored !== 'object') return base;
  let current = base;
  for (const [k, v] of Object.entries(stored)) {
    try {
      current = applySettingsPatch(current, { [k]: v });
    } catch (err) {
      problems.push(`ignored the stored setting ${(err as Error).message}; using the default`);
    }
  }
  return current;
}

/** Env vars name upstreams generically: TOLLGATE_<ID>_BASE_URL, so tests point any provider at a fake one. */
export function upstreamEnvOverrides(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of Object.keys(BUILTIN_UPSTREAMS)) {
    const v = env[`TOLLGATE_${id.toUpperCase()}_BASE_URL`];
    if (v) out[id] = normaliseUpstreamRoot(requireHttpUrl(v, `TOLLGATE_${id.toUpperCase()}_BASE_URL`));
  }
  return out;
}
