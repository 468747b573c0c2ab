/**
 * Anthropic's Admin API usage and cost reports (https://docs.anthropic.com/en/api/usage-cost-api): admin key in x-api-key with
 * anthropic-version, RFC 3339 windows, cursor pages (`has_more` / `next_page`), `group_by[]` with brackets.
 * Cost report amounts are decimal strings in cents.
 */
import { ceilTo, DAY_MS, floorTo, HOUR_MS } from '../../polling/buckets.js';
import { buildUrl, followPages, requireDataList, UsageApiError } from '../../polling/provider-client.js';
import type { BilledBucket, ProviderKeyInfo, SourceContext, TimeWindow, UsageBucket, UsageSource } from '../../polling/types.js';
import { isObject, num, str } from '../../util/json.js';

export const ANTHROPIC_ADMIN_DEFAULT_BASE_URL = 'https://api.anthropic.com';
const VERSION = '2023-06-01';

// Anthropic asks integrations to say who they are.
const headers = (ctx: SourceContext) => ({ 'x-api-key': ctx.secret, 'anthropic-version': VERSION, 'user-agent': 'Tollgate/0.1 (local AI spend monitor)' });
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Bucket {
  start: number;
  end: number;
  results: Record<string, unknown>[];
}

function time(v: unknown, what: string): number {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) throw new UsageApiError('malformed', `${what}: "${String(v)}" is not an RFC 3339 time`);
  return t;
}

async function bucketPages(ctx: SourceContext, path: string, query: Record<string, string | number | readonly string[]>): Promise<Bucket[]> {
  return followPages(async (page) => {
    const body = await ctx.http.getJson(buildUrl(ctx.baseUrl, path, { ...query, page }), headers(ctx));
    const { data, body: o } = requireDataList(body, path);
    const items = data.map((b, i): Bucket => {
      if (!isObject(b) || !Array.isArray(b.results)) throw new UsageApiError('malformed', `${path}: bucket ${i} lacks results`);
      const start = time(b.starting_at, `${path} bucket ${i} starting_at`);
      const end = b.ending_at === undefined || b.ending_at === null ? start : time(b.ending_at, `${path} bucket ${i} ending_at`);
      return { start, end, results: b.results.filter(isObject) };
    });
    return { items, next: o.has_more === true ? str(o.next_page) : null };
  });
}

function usageRow(b: Bucket, r: Record<string, unknown>): UsageBucket {
  const cc = isObject(r.cache_creation) ? r.cache_creation : {};
  const uncached = num(r.uncached_input_tokens);
  const read = num(r.cache_read_input_tokens);
  const w5m = num(cc.ephemeral_5m_input_tokens);
  const w1h = num(cc.ephemeral_1h_input_tokens);
  const window = str(r.context_window);
  return {
    kind: 'messages',
    start: b.start,
    end: b.end,
    // Workbench usage has no key; the default workspace has no id.
    providerKeyId: str(r.api_key_id),
    model: str(r.model),
    project: str(r.workspace_id),
    batch: r.service_tier === 'batch',
    longContext: window === null ? null : window !== '0-200k',
    // The usage report does not count requests.
    requests: null,
    usage: { inputTokens: uncached + read + w5m + w1h, cacheReadTokens: read, cacheWrite5mTokens: w5m, cacheWrite1hTokens: w1h, outputTokens: num(r.output_tokens), reasoningTokens: 0 },
    costUsd: null,
  };
}

/** "123.45" cents is $1.2345: divide by 100 and keep the fraction. */
function cents(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  if (!Number.isFinite(n)) throw new UsageApiError('malformed', `cost_report: amount "${String(v)}" is not a number`);
  return n / 100;
}

async function fetchUsage(ctx: SourceContext, window: TimeWindow) {
  const usageWindow = { fromMs: floorTo(window.fromMs, HOUR_MS), toMs: ceilTo(window.toMs, HOUR_MS) };
  const buckets = await bucketPages(ctx, '/v1/organizations/usage_report/messages', {
    // No ending_at: the report runs to now, and an end in the future is not documented as accepted.
    starting_at: iso(usageWindow.fromMs),
    bucket_width: '1h',
    limit: 168,
    'group_by[]': ['api_key_id', 'workspace_id', 'model', 'service_tier', 'context_window'],
  });
  const usage: UsageBucket[] = [];
  for (const b of buckets) for (const r of b.results) usage.push(usageRow(b, r));

  const billedWindow = { fromMs: floorTo(window.fromMs, DAY_MS), toMs: ceilTo(window.toMs, DAY_MS) };
  const costs = await bucketPages(ctx, '/v1/organizations/cost_report', {
    starting_at: iso(billedWindow.fromMs),
    bucket_width: '1d',
    limit: 31,
    'group_by[]': ['workspace_id', 'description'],
  });
  const billed: BilledBucket[] = [];
  for (const b of costs) {
    for (const r of b.results) {
      const currency = str(r.currency);
      if (currency && currency.toUpperCase() !== 'USD') continue;
      billed.push({ start: b.start, end: b.end, project: str(r.workspace_id), item: str(r.description) ?? str(r.cost_type), model: str(r.model), costUsd: cents(r.amount) });
    }
  }
  return { usage, usageWindow, billed, billedWindow };
}

async function listKeys(ctx: SourceContext): Promise<ProviderKeyInfo[]> {
  const rows = await followPages(async (after) => {
    const body = await ctx.http.getJson(buildUrl(ctx.baseUrl, '/v1/organizations/api_keys', { limit: 1000, after_id: after }), headers(ctx));
    const { data, body: o } = requireDataList(body, 'api_keys');
    const items = data.filter(isObject);
    return { items, next: o.has_more === true ? (str(o.last_id) ?? str(items.at(-1)?.id)) : null };
  });
  const keys: ProviderKeyInfo[] = [];
  for (const k of rows) {
    const id = str(k.id);
    if (id) keys.push({ id, name: str(k.name), redacted: str(k.partial_key_hint), project: str(k.workspace_id) });
  }
  return keys;
}

async function probe(ctx: SourceContext): Promise<string> {
  const hour = floorTo(ctx.now, HOUR_MS);
  await bucketPages(ctx, '/v1/organizations/usage_report/messages', { starting_at: iso(hour - HOUR_MS), bucket_width: '1h', limit: 2 });
  return 'the admin key can read the organization\'s usage report';
}

export const anthropicUsageSource: UsageSource = {
  id: 'anthropic',
  name: 'Anthropic',
  defaultBaseUrl: ANTHROPIC_ADMIN_DEFAULT_BASE_URL,
  baseUrlEnv: 'TOLLGATE_ANTHROPIC_ADMIN_BASE_URL',
  routeId: 'anthropic',
  pricing: { routeId: 'anthropic', pricingProviderId: 'anthropic' },
  coverage: 'organization',
  keyHint: 'an Admin key (sk-ant-admin…) made by an organization admin at console.anthropic.com → Settings → Admin keys',
  checkKey(secret) {
    if (/^sk-ant-api/.test(secret)) return 'is an API key; the usage report needs an Admin key (sk-ant-admin…) made by an organization admin';
    return null;
  },
  fetchUsage,
  listKeys,
  probe,
};
