/**
 * Fakes of the providers' usage and cost APIs on loopback, following the documented shapes
 * (OpenAI's and Anthropic's usage and cost API references, OpenRouter's key endpoint): OpenAI's organization usage/costs/projects/api_keys, Anthropic's
 * usage_report/messages, cost_report and api_keys, OpenRouter's /api/v1/key.
 *
 * They answer from a list of calls: each request is bucketed, grouped and paged from that data the way the real
 * APIs do (every bucket of the window, empty ones too; `limit` buckets a page; `has_more` / `next_page`), so a
 * test states what happened and the fake computes what the provider would report. Failures are scripted with
 * `failNext`; every request is kept for assertions.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCall {
  at: number;
  apiKeyId: string | null;
  model: string;
  /** project_id (OpenAI) / workspace_id (Anthropic). */
  project?: string | null;
  batch?: boolean;
  /** Anthropic context_window "200k-1M". */
  longContext?: boolean;
  /** OpenAI only: which usage endpoint reports it. */
  endpoint?: 'completions' | 'embeddings';
  /** Input tokens not read from or written to the cache. */
  uncached: number;
  cacheRead?: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
  output?: number;
  requests?: number;
  /** What the cost endpoints bill for it, in dollars. */
  costUsd?: number;
}

export interface FakeOpenAIProject {
  id: string;
  name: string;
  keys: { id: string; name: string; redacted_value: string }[];
}

export interface FakeAnthropicKey {
  id: string;
  name: string;
  partial_key_hint: string;
  workspace_id?: string | null;
}

export interface FakeOpenRouterKey {
  label: string;
  limit: number | null;
  limit_remaining: number | null;
  limit_reset?: string | null;
  usage_daily: number;
  usage_weekly: number;
  usage_monthly: number;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON body; or `raw` text sent as is. */
  body?: unknown;
  raw?: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  status: number;
}

export interface FakeAdminApis {
  url: string;
  requests: FakeRequest[];
  openai: { adminKey: string; calls: FakeCall[]; projects: FakeOpenAIProject[]; listPageSize: number };
  anthropic: { adminKey: string; calls: FakeCall[]; keys: FakeAnthropicKey[]; listPageSize: number };
  openrouter: { keys: Record<string, FakeOpenRouterKey> };
  /** The next `times` requests whose path matches get this answer instead. */
  failNext(path: string | RegExp, response: ScriptedResponse, times?: number): void;
  /** Requests to a path (prefix match). */
  hits(pathPrefix: string): FakeRequest[];
  close(): Promise<void>;
}

const WIDTHS: Record<string, { ms: number; dflt: number; max: number }> = {
  '1m': { ms: 60_000, dflt: 60, max: 1440 },
  '1h': { ms: 3_600_000, dflt: 24, max: 168 },
  '1d': { ms: 86_400_000, dflt: 7, max: 31 },
};

class BadRequest extends Error {}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const encodeCursor = (ms: number) => 'page_' + Buffer.from(String(ms)).toString('base64');
function decodeCursor(page: string | null): number | null {
  if (!page) return null;
  const n = Number(Buffer.from(page.replace(/^page_/, ''), 'base64').toString());
  if (!Number.isFinite(n)) throw new BadRequest(`invalid page cursor ${page}`);
  return n;
}

interface BucketPlan {
  starts: number[];
  width: number;
  hasMore: boolean;
  next: string | null;
}

/** The buckets of [start, end) in pages of `limit`, from the cursor on. */
function planBuckets(startMs: number, endMs: number, widthName: string, limitRaw: string | null, page: string | null, maxOverride?: number): BucketPlan {
  const w = WIDTHS[widthName];
  if (!w) throw new BadRequest(`bucket_width must be one of 1m, 1h, 1d`);
  const limit = limitRaw === null ? w.dflt : Number(limitRaw);
  const max = maxOverride ?? w.max;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new BadRequest(`limit must be between 1 and ${max} for bucket_width=${widthName}`);
  const first = Math.floor(startMs / w.ms) * w.ms;
  const from = decodeCursor(page) ?? first;
  const starts: number[] = [];
  let t = from;
  for (; t < endMs && starts.length < limit; t += w.ms) starts.push(t);
  const hasMore = t < endMs;
  return { starts, width: w.ms, hasMore, next: hasMore ? encodeCursor(t) : null };
}

function sum(calls: FakeCall[], f: (c: FakeCall) => number | undefined): number {
  return calls.reduce((a, c) => a + (f(c) ?? 0), 0);
}

function groupCalls(calls: FakeCall[], dims: string[], dimOf: (c: FakeCall, d: string) => unknown): { fields: Record<string, unknown>; calls: FakeCall[] }[] {
  const groups = new Map<string, { fields: Record<string, unknown>; calls: FakeCall[] }>();
  for (const c of calls) {
    const fields: Record<string, unknown> = {};
    for (const d of dims) fields[d] = dimOf(c, d);
    const key = JSON.stringify(fields);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { fields, calls: [] }));
    g.calls.push(c);
  }
  return [...groups.values()];
}

export async function startFakeAdminApis(opts: { now: () => number }): Promise<FakeAdminApis> {
  const requests: FakeRequest[] = [];
  const scripted: { path: string | RegExp; response: ScriptedResponse; times: number }[] = [];
  const state: Pick<FakeAdminApis, 'openai' | 'anthropic' | 'openrouter'> = {
    openai: { adminKey: 'sk-admin-fake-openai-0000000000000000', calls: [], projects: [], listPageSize: 100 },
    anthropic: { adminKey: 'sk-ant-admin01-fake-anthropic-000000000000', calls: [], keys: [], listPageSize: 1000 },
    openrouter: { keys: {} },
  };

  // ---- OpenAI ---------------------------------------------------------------------------------------------
  const openaiDims: Record<string, (c: FakeCall) => unknown> = {
    project_id: (c) => c.project ?? null,
    api_key_id: (c) => c.apiKeyId,
    model: (c) => c.model,
    batch: (c) => c.batch ?? false,
    user_id: () => null,
    service_tier: () => 'default',
    line_item: (c) => `${c.model}, input`,
  };

  function openaiUsage(q: URLSearchParams, endpoint: 'completions' | 'embeddings') {
    const start = q.get('start_time');
    if (start === null) throw new BadRequest('start_time is required');
    const end = q.get('end_time') === null ? opts.now() : Number(q.get('end_time')) * 1000;
    const groupBy = q.getAll('group_by');
    const allowed = endpoint === 'completions' ? ['project_id', 'user_id', 'api_key_id', 'model', 'batch', 'service_tier'] : ['project_id', 'user_id', 'api_key_id', 'model'];
    for (const g of groupBy) if (!allowed.includes(g)) throw new BadRequest(`invalid group_by ${g}`);
    const plan = planBuckets(Number(start) * 1000, end, q.get('bucket_width') ?? '1d', q.get('limit'), q.get('page'));
    const calls = state.openai.calls.filter((c) => (c.endpoint ?? 'completions') === endpoint);
    const data = plan.starts.map((s) => {
      const inBucket = calls.filter((c) => c.at >= s && c.at < s + plan.width);
      const results = groupCalls(inBucket, groupBy, (c, d) => openaiDims[d]!(c)).map((g) => {
        const nulls = { project_id: null, user_id: null, api_key_id: null, model: null, ...(endpoint === 'completions' ? { batch: null, service_tier: null } : {}) };
        const cached = sum(g.calls, (c) => c.cacheRead);
        const writes = sum(g.calls, (c) => (c.cacheWrite5m ?? 0) + (c.cacheWrite1h ?? 0));
        const uncached = sum(g.calls, (c) => c.uncached);
        const base = { ...nulls, ...g.fields, num_model_requests: sum(g.calls, (c) => c.requests ?? 1) };
        return endpoint === 'completions'
          ? {
              object: 'organization.usage.completions.result',
              input_tokens: uncached + cached + writes,
              input_cached_tokens: cached,
              input_cache_write_tokens: writes,
              input_uncached_tokens: uncached,
              output_tokens: sum(g.calls, (c) => c.output),
              input_audio_tokens: 0,
              output_audio_tokens: 0,
              ...base,
            }
          : { object: 'organization.usage.embeddings.result', input_tokens: uncached, ...base };
      });
      return { object: 'bucket', start_time: s / 1000, end_time: (s + plan.width) / 1000, results };
    });
    return { object: 'page', data, has_more: plan.hasMore, next_page: plan.next };
  }

  function openaiCosts(q: URLSearchParams) {
    const start = q.get('start_time');
    if (start === null) throw new BadRequest('start_time is required');
    const width = q.get('bucket_width') ?? '1d';
    if (width !== '1d') throw new BadRequest('bucket_width must be 1d');
    const end = q.get('end_time') === null ? opts.now() : Number(q.get('end_time')) * 1000;
    const plan = planBuckets(Number(start) * 1000, end, '1d', q.get('limit'), q.get('page'), 180);
    const groupBy = q.getAll('group_by');
    const data = plan.starts.map((s) => {
      const inBucket = state.openai.calls.filter((c) => c.at >= s && c.at < s + plan.width);
      const results = groupCalls(inBucket, groupBy, (c, d) => openaiDims[d]!(c)).map((g) => ({
        object: 'organization.costs.result',
        amount: { value: sum(g.calls, (c) => c.costUsd), currency: 'usd' },
        line_item: null,
        project_id: null,
        api_key_id: null,
        ...g.fields,
        ...(groupBy.includes('line_item') ? { quantity: sum(g.calls, (c) => c.uncached), quantity_unit: 'tokens' } : {}),
      }));
      return { object: 'bucket', start_time: s / 1000, end_time: (s + plan.width) / 1000, results };
    });
    return { object: 'page', data, has_more: plan.hasMore, next_page: plan.next };
  }

  /** OpenAI list endpoints: `after` an id, `limit` (capped at listPageSize to force paging in tests). */
  function listPage<T extends { id: string }>(all: T[], q: URLSearchParams) {
    const limit = Math.min(Number(q.get('limit') ?? 20), state.openai.listPageSize, 100);
    const after = q.get('after');
    const from = after ? all.findIndex((x) => x.id === after) + 1 : 0;
    const data = all.slice(from, from + limit);
    return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: from + limit < all.length };
  }

  function openai(req: IncomingMessage, path: string, q: URLSearchParams, res: ServerResponse) {
    if (req.headers.authorization !== `Bearer ${state.openai.adminKey}`) {
      return send(res, 401, { error: { message: 'Incorrect API key provided: sk-admin-****. You can find your API key at https://platform.openai.com/account/api-keys.', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    if (path === '/v1/organization/usage/completions') return send(res, 200, openaiUsage(q, 'completions'));
    if (path === '/v1/organization/usage/embeddings') return send(res, 200, openaiUsage(q, 'embeddings'));
    if (path === '/v1/organization/costs') return send(res, 200, openaiCosts(q));
    if (path === '/v1/organization/projects') {
      const projects = state.openai.projects.map((p) => ({ id: p.id, object: 'organization.project', name: p.name, created_at: 1711471533, archived_at: null, status: 'active' }));
      return send(res, 200, listPage(projects, q));
    }
    const m = /^\/v1\/organization\/projects\/([^/]+)\/api_keys$/.exec(path);
    if (m) {
      const p = state.openai.projects.find((x) => x.id === decodeURIComponent(m[1]!));
      if (!p) return send(res, 404, { error: { message: 'No such project', type: 'invalid_request_error' } });
      const keys = p.keys.map((k) => ({ object: 'organization.project.api_key', ...k, created_at: 1711471533, last_used_at: 1711471534, owner: { type: 'user', user: { id: 'user_abc', name: 'First Last' } } }));
      return send(res, 200, listPage(keys, q));
    }
    return send(res, 404, { error: { message: `fake: no route ${path}` } });
  }

  // ---- Anthropic ------------------------------------------------------------------------------------------
  const anthropicDims: Record<string, (c: FakeCall) => unknown> = {
    api_key_id: (c) => c.apiKeyId,
    workspace_id: (c) => c.project ?? null,
    model: (c) => c.model,
    service_tier: (c) => (c.batch ? 'batch' : 'standard'),
    context_window: (c) => (c.longContext ? '200k-1M' : '0-200k'),
    description: (c) => `${c.model} Usage - Input Tokens`,
  };
  const rfc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  function when(v: string | null, field: string): number {
    const t = v === null ? NaN : Date.parse(v);
    if (Number.isNaN(t)) throw new BadRequest(`${field} must be an RFC 3339 time`);
    return t;
  }

  function anthropicUsage(q: URLSearchParams) {
    const start = when(q.get('starting_at'), 'starting_at');
    const end = q.get('ending_at') === null ? opts.now() : when(q.get('ending_at'), 'ending_at');
    const groupBy = q.getAll('group_by[]');
    for (const g of groupBy) if (!['api_key_id', 'workspace_id', 'model', 'service_tier', 'context_window', 'inference_geo', 'speed'].includes(g)) throw new BadRequest(`invalid group_by ${g}`);
    const plan = planBuckets(start, end, q.get('bucket_width') ?? '1d', q.get('limit'), q.get('page'));
    const data = plan.starts.map((s) => {
      const inBucket = state.anthropic.calls.filter((c) => c.at >= s && c.at < s + plan.width);
      const results = groupCalls(inBucket, groupBy, (c, d) => anthropicDims[d]!(c)).map((g) => ({
        uncached_input_tokens: sum(g.calls, (c) => c.uncached),
        cache_creation: { ephemeral_1h_input_tokens: sum(g.calls, (c) => c.cacheWrite1h), ephemeral_5m_input_tokens: sum(g.calls, (c) => c.cacheWrite5m) },
        cache_read_input_tokens: sum(g.calls, (c) => c.cacheRead),
        output_tokens: sum(g.calls, (c) => c.output),
        server_tool_use: { web_search_requests: 0 },
        api_key_id: null,
        workspace_id: null,
        model: null,
        service_tier: null,
        context_window: null,
        inference_geo: null,
        ...g.fields,
      }));
      return { starting_at: rfc(s), ending_at: rfc(s + plan.width), results };
    });
    return { data, has_more: plan.hasMore, next_page: plan.next };
  }

  function anthropicCosts(q: URLSearchParams) {
    const start = when(q.get('starting_at'), 'starting_at');
    const end = q.get('ending_at') === null ? opts.now() : when(q.get('ending_at'), 'ending_at');
    if ((q.get('bucket_width') ?? '1d') !== '1d') throw new BadRequest('bucket_width must be 1d');
    const groupBy = q.getAll('group_by[]');
    const plan = planBuckets(start, end, '1d', q.get('limit'), q.get('page'));
    const data = plan.starts.map((s) => {
      const inBucket = state.anthropic.calls.filter((c) => c.at >= s && c.at < s + plan.width);
      const byDescription = groupBy.includes('description');
      const results = groupCalls(inBucket, groupBy, (c, d) => anthropicDims[d]!(c)).map((g) => ({
        currency: 'USD',
        // A decimal string in cents, with a fraction.
        amount: (sum(g.calls, (c) => c.costUsd) * 100).toFixed(4),
        workspace_id: null,
        description: null,
        cost_type: byDescription ? 'tokens' : null,
        context_window: null,
        model: byDescription ? g.calls[0]!.model : null,
        service_tier: byDescription ? 'standard' : null,
        token_type: byDescription ? 'uncached_input_tokens' : null,
        ...g.fields,
      }));
      return { starting_at: rfc(s), ending_at: rfc(s + plan.width), results };
    });
    return { data, has_more: plan.hasMore, next_page: plan.next };
  }

  function anthropic(req: IncomingMessage, path: string, q: URLSearchParams, res: ServerResponse) {
    if (req.headers['x-api-key'] !== state.anthropic.adminKey) {
      return send(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
    }
    if (!req.headers['anthropic-version']) return send(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } });
    if (path === '/v1/organizations/usage_report/messages') return send(res, 200, anthropicUsage(q));
    if (path === '/v1/organizations/cost_report') return send(res, 200, anthropicCosts(q));
    if (path === '/v1/organizations/api_keys') {
      const all = state.anthropic.keys.map((k) => ({ id: k.id, type: 'api_key', name: k.name, workspace_id: k.workspace_id ?? null, created_at: '2025-01-01T00:00:00Z', created_by: { id: 'user_01', type: 'user' }, partial_key_hint: k.partial_key_hint, status: 'active' }));
      const limit = Math.min(Number(q.get('limit') ?? 20), state.anthropic.listPageSize, 1000);
      const after = q.get('after_id');
      const from = after ? all.findIndex((x) => x.id === after) + 1 : 0;
      const data = all.slice(from, from + limit);
      return send(res, 200, { data, has_more: from + limit < all.length, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
    }
    return send(res, 404, { type: 'error', error: { type: 'not_found_error', message: `fake: no route ${path}` } });
  }

  // ---- OpenRouter -----------------------------------------------------------------------------------------
  function openrouter(req: IncomingMessage, res: ServerResponse) {
    const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const k = state.openrouter.keys[key];
    if (!k) return send(res, 401, { error: { message: 'No auth credentials found', code: 401 } });
    return send(res, 200, {
      data: {
        ...k,
        limit_reset: k.limit_reset ?? null,
        usage: k.usage_monthly,
        byok_usage: 0,
        include_byok_in_limit: false,
        is_free_tier: false,
        is_management_key: false,
        is_provisioning_key: false,
        rate_limit: { requests: 1000, interval: '1h', note: 'This field is deprecated and safe to ignore.' },
      },
    });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const entry: FakeRequest = { method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers, status: 0 };
    requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    req.resume();
    const script = scripted.find((s) => (typeof s.path === 'string' ? path.startsWith(s.path) : s.path.test(path)));
    if (script) {
      if (--script.times <= 0) scripted.splice(scripted.indexOf(script), 1);
      const r = script.response;
      if (r.raw !== undefined) {
        res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
        return res.end(r.raw);
      }
      return send(res, r.status, r.body ?? { error: { message: `scripted ${r.status}` } }, r.headers);
    }
    try {
      if (path.startsWith('/v1/organization/')) return openai(req, path, url.searchParams, res);
      if (path.startsWith('/v1/organizations/')) return anthropic(req, path, url.searchParams, res);
      if (path === '/api/v1/key' || path === '/api/v1/auth/key') return openrouter(req, res);
      send(res, 404, { error: { message: `fake: no route ${path}` } });
    } catch (err) {
      if (err instanceof BadRequest) return send(res, 400, { error: { message: err.message, type: 'invalid_request_error' } });
      send(res, 500, { error: { message: String(err) } });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    ...state,
    failNext(path, response, times = 1) {
      scripted.push({ path, response, times });
    },
    hits: (prefix) => requests.filter((r) => r.path.startsWith(prefix)),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
