/**
 * OpenRouter's key endpoint (https://openrouter.ai/docs/api-reference/api-keys/get-current-key): `GET /api/v1/key` with the key itself as a Bearer
 * token answers that key's running spend (today, this week, this month, in USD credits) and its limit. There is
 * no per-model or per-hour breakdown, so each poll stores one row: today's spend so far, for this key.
 *
 * OpenRouter is not a built-in proxy route (people add it as a custom provider, usually with the id
 * "openrouter"), so only this file knows about it.
 */
import { fingerprint } from '../../keys/fingerprint.js';
import { DAY_MS, floorTo } from '../../polling/buckets.js';
import { emptyUsage } from '../../util/token-usage.js';
import { buildUrl, UsageApiError } from '../../polling/provider-client.js';
import type { ProviderKeyInfo, ProviderLimits, SourceContext, TimeWindow, UsageSource } from '../../polling/types.js';
import { isObject, str } from '../../util/json.js';

export const OPENROUTER_DEFAULT_BASE_URL = 'https://openrouter.ai';

interface KeyInfo {
  label: string | null;
  limits: ProviderLimits;
}

const money = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

async function keyInfo(ctx: SourceContext): Promise<KeyInfo> {
  const body = await ctx.http.getJson(buildUrl(ctx.baseUrl, '/api/v1/key'), { authorization: `Bearer ${ctx.secret}` });
  if (!isObject(body) || !isObject(body.data)) throw new UsageApiError('malformed', '/api/v1/key: expected an object with "data"');
  const d = body.data;
  const daily = money(d.usage_daily);
  if (daily === null) throw new UsageApiError('malformed', '/api/v1/key: "usage_daily" is missing');
  return {
    label: str(d.label),
    limits: {
      limitUsd: money(d.limit),
      remainingUsd: money(d.limit_remaining),
      resets: str(d.limit_reset),
      usageDailyUsd: daily,
      usageWeeklyUsd: money(d.usage_weekly),
      usageMonthlyUsd: money(d.usage_monthly),
    },
  };
}

function keyOf(ctx: SourceContext, info: KeyInfo): ProviderKeyInfo {
  // The polled key is the API key itself, so its fingerprint is exactly the id the proxy records it under.
  const fp = fingerprint(ctx.secret);
  return { id: fp, name: info.label, redacted: info.label, project: null, fingerprint: fp };
}

export const openrouterUsageSource: UsageSource = {
  id: 'openrouter',
  name: 'OpenRouter',
  defaultBaseUrl: OPENROUTER_DEFAULT_BASE_URL,
  baseUrlEnv: 'TOLLGATE_OPENROUTER_BASE_URL',
  routeId: 'openrouter',
  // OpenRouter reports dollars itself.
  pricing: null,
  coverage: 'key',
  keyHint: 'an OpenRouter API key (sk-or-v1-…): Tollgate reads that key\'s own spend and limit',
  checkKey(secret) {
    if (/^sk-(proj|admin|ant)-/.test(secret)) return 'is not an OpenRouter key (those start with sk-or-)';
    return null;
  },
  async fetchUsage(ctx: SourceContext, _window: TimeWindow) {
    const info = await keyInfo(ctx);
    // usage_daily counts from the start of the UTC day; earlier days keep the last value seen for them.
    const day = floorTo(ctx.now, DAY_MS);
    const key = keyOf(ctx, info);
    return {
      usage: [
        {
          kind: 'key-daily',
          start: day,
          end: day + DAY_MS,
          providerKeyId: key.id,
          model: null,
          project: null,
          batch: false,
          longContext: null,
          requests: null,
          usage: emptyUsage(),
          costUsd: info.limits.usageDailyUsd,
        },
      ],
      usageWindow: { fromMs: day, toMs: day + DAY_MS },
      billed: [],
      billedWindow: null,
      keys: [key],
      limits: info.limits,
    };
  },
  async listKeys(ctx) {
    return [keyOf(ctx, await keyInfo(ctx))];
  },
  async probe(ctx) {
    const info = await keyInfo(ctx);
    const spent = `$${(info.limits.usageDailyUsd ?? 0).toFixed(2)} spent today`;
    const limit = info.limits.limitUsd === null ? 'no spending limit' : `$${(info.limits.remainingUsd ?? 0).toFixed(2)} left of a $${info.limits.limitUsd.toFixed(2)} limit`;
    return `the key is valid: ${spent}, ${limit}`;
  },
};
