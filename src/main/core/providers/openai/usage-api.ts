/**
 * OpenAI's organization Usage and Costs API (https://platform.openai.com/docs/api-reference/usage): admin key as a Bearer token, cursor
 * pages (`has_more` / `next_page`) of time buckets, `group_by` repeated as a plain key.
 */
import { ceilTo, DAY_MS, floorTo, HOUR_MS } from '../../polling/buckets.js';
import { buildUrl, followPages, requireDataList, UsageApiError } from '../../polling/provider-client.js';
import type { BilledBucket, ProviderKeyInfo, SourceContext, TimeWindow, UsageBucket, UsageSource } from '../../polling/types.js';
import { isObject, num, str } from '../../util/json.js';

export const OPENAI_ADMIN_DEFAULT_BASE_URL = 'https://api.openai.com';

const headers = (ctx: SourceContext) => ({ authorization: `Bearer ${ctx.secret}` });
const sec = (ms: number) => Math.floor(ms / 1000);

interface Bucket {
  start: number;
  end: number;
  results: Record<string, unknown>[];
}

/** One bucketed endpoint, every page. Buckets are `{start_time, end_time, results[]}` in Unix seconds. */
async function bucketPages(ctx: SourceContext, path: string, query: Record<string, string | number | readonly string[]>): Promise<Bucket[]> {
  return followPages(async (page) => {
    const body = await ctx.http.getJson(buildUrl(ctx.baseUrl, path, { ...query, page }), headers(ctx));
    const { data, body: o } = requireDataList(body, path);
    const items = data.map((b, i): Bucket => {
      if (!isObject(b) || typeof b.start_time !== 'number' || !Array.isArray(b.results)) {
        throw new UsageApiError('malformed', `${path}: bucket ${i} lacks start_time or results`);
      }
      const start = b.start_time * 1000;
      const end = typeof b.end_time === 'number' ? b.end_time * 1000 : start;
      return { start, end, results: b.results.filter(isObject) };
    });
    return { items, next: o.has_more === true ? str(o.next_page) : null };
  });
}

function usageRow(kind: string, b: Bucket, r: Record<string, unknown>): UsageBucket {
  // input_tokens includes cached and cache-write tokens; writes carry no TTL, so they take the 5-minute slot
  // like the proxy's own records (providers/openai/usage.ts).
  return {
    kind,
    start: b.start,
    end: b.end,
    providerKeyId: str(r.api_key_id),
    model: str(r.model),
    project: str(r.project_id),
    batch: r.batch === true,
    longContext: null,
    requests: num(r.num_model_requests),
    usage: {
      inputTokens: num(r.input_tokens),
      cacheReadTokens: num(r.input_cached_tokens),
      cacheWrite5mTokens: num(r.input_cache_write_tokens),
      cacheWrite1hTokens: 0,
      outputTokens: num(r.output_tokens),
      reasoningTokens: 0,
    },
    costUsd: null,
  };
}

async function fetchUsage(ctx: SourceContext, window: TimeWindow) {
  // Hourly buckets, so periods that start at a local midnight line up with whole buckets.
  const usageWindow = { fromMs: floorTo(window.fromMs, HOUR_MS), toMs: ceilTo(window.toMs, HOUR_MS) };
  // No end_time: the report runs to now, and an end in the future is not documented as accepted.
  const hourly = { start_time: sec(usageWindow.fromMs), bucket_width: '1h', limit: 168 };
  const completions = await bucketPages(ctx, '/v1/organization/usage/completions', {
    ...hourly,
    group_by: ['api_key_id', 'model', 'project_id', 'batch'],
  });
  const embeddings = await bucketPages(ctx, '/v1/organization/usage/embeddings', { ...hourly, group_by: ['api_key_id', 'model', 'project_id'] });
  const usage: UsageBucket[] = [];
  for (const b of completions) for (const r of b.results) usage.push(usageRow('completions', b, r));
  for (const b of embeddings) for (const r of b.results) usage.push(usageRow('embeddings', b, r));

  // Costs come in daily buckets only.
  const billedWindow = { fromMs: floorTo(window.fromMs, DAY_MS), toMs: ceilTo(window.toMs, DAY_MS) };
  const costs = await bucketPages(ctx, '/v1/organization/costs', {
    start_time: sec(billedWindow.fromMs),
    bucket_width: '1d',
    limit: 180,
    group_by: ['project_id', 'line_item'],
  });
  const billed: BilledBucket[] = [];
  for (const b of costs) {
    for (const r of b.results) {
      const amount = isObject(r.amount) ? r.amount : {};
      const currency = str(amount.currency);
      // Amounts are dollars; a cost in another currency cannot be added to dollar budgets.
      if (currency && currency.toLowerCase() !== 'usd') continue;
      billed.push({ start: b.start, end: b.end, project: str(r.project_id), item: str(r.line_item), model: null, costUsd: typeof amount.value === 'number' ? amount.value : Number(amount.value) || 0 });
    }
  }
  return { usage, usageWindow, billed, billedWindow };
}

/** A plain OpenAI list page: `{data, has_more, last_id}`, continued with `after`. */
async function listPages(ctx: SourceContext, path: string, query: Record<string, string | number | boolean>): Promise<Record<string, unknown>[]> {
  return followPages(async (after) => {
    const body = await ctx.http.getJson(buildUrl(ctx.baseUrl, path, { ...query, after }), headers(ctx));
    const { data, body: o } = requireDataList(body, path);
    const items = data.filter(isObject);
    return { items, next: o.has_more === true ? (str(o.last_id) ?? str(items.at(-1)?.id)) : null };
  });
}

async function listKeys(ctx: SourceContext): Promise<ProviderKeyInfo[]> {
  const projects = await listPages(ctx, '/v1/organization/projects', { limit: 100, include_archived: true });
  const keys: ProviderKeyInfo[] = [];
  for (const p of projects) {
    const projectId = str(p.id);
    if (!projectId) continue;
    const list = await listPages(ctx, `/v1/organization/projects/${encodeURIComponent(projectId)}/api_keys`, { limit: 100 });
    for (const k of list) {
      const id = str(k.id);
      if (id) keys.push({ id, name: str(k.name), redacted: str(k.redacted_value), project: projectId });
    }
  }
  return keys;
}

async function probe(ctx: SourceContext): Promise<string> {
  const hour = floorTo(ctx.now, HOUR_MS);
  await bucketPages(ctx, '/v1/organization/usage/completions', { start_time: sec(hour - HOUR_MS), bucket_width: '1h', limit: 2 });
  return 'the admin key can read organization usage';
}

export const openaiUsageSource: UsageSource = {
  id: 'openai',
  name: 'OpenAI',
  defaultBaseUrl: OPENAI_ADMIN_DEFAULT_BASE_URL,
  baseUrlEnv: 'TOLLGATE_OPENAI_ADMIN_BASE_URL',
  routeId: 'openai',
  pricing: { routeId: 'openai', pricingProviderId: 'openai' },
  coverage: 'organization',
  keyHint: 'an admin key (sk-admin-…) made by an organization owner at platform.openai.com → Settings → Admin keys',
  checkKey(secret) {
    if (/^sk-(proj|svcacct)-/.test(secret)) {
      return 'is a project key; reading organization usage needs an admin key (sk-admin-…) made by an organization owner';
    }
    return null;
  },
  fetchUsage,
  listKeys,
  probe,
};
