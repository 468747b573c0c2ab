import { isObject } from '../util/json.js';

/** Why an admin API call failed; the poller's backoff and the words it shows depend only on this. */
export type UsageErrorKind =
  /** 401/403: the key is wrong, revoked or lacks the scope. Polling stops until the user fixes it. */
  | 'rejected'
  /** 429: honour Retry-After. */
  | 'rate-limited'
  /** 5xx: retry with exponential backoff. */
  | 'server'
  /** Connection refused, DNS, reset, timeout: retry with exponential backoff. */
  | 'network'
  /** A 2xx whose body is not the data the documented shape promises. */
  | 'malformed'
  /** Another 4xx: something in the request is wrong (a base URL pointing elsewhere, an API change). */
  | 'client';

export class UsageApiError extends Error {
  constructor(
    readonly kind: UsageErrorKind,
    message: string,
    readonly status: number | null = null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'UsageApiError';
  }
}

export interface ProviderClient {
  /** GET a JSON document; anything but a 2xx JSON answer throws UsageApiError. */
  getJson(url: string, headers: Record<string, string>): Promise<unknown>;
}

const TIMEOUT_MS = 30_000;

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The message out of an error body: OpenAI, Anthropic and OpenRouter all put it at error.message. */
function errorMessage(text: string): string {
  try {
    const j = JSON.parse(text) as unknown;
    if (isObject(j)) {
      if (isObject(j.error) && typeof j.error.message === 'string') return j.error.message;
      if (typeof j.message === 'string') return j.message;
    }
  } catch {}
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

export function createProviderClient(deps: { fetch: typeof fetch; now: () => number; timeoutMs?: number }): ProviderClient {
  return {
    async getJson(url, headers) {
      let res: Response;
      try {
        res = await deps.fetch(url, { method: 'GET', headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(deps.timeoutMs ?? TIMEOUT_MS) });
      } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        const why = e.name === 'TimeoutError' ? `no answer within ${(deps.timeoutMs ?? TIMEOUT_MS) / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
        throw new UsageApiError('network', `could not reach ${new URL(url).origin}: ${why}`);
      }
      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        throw new UsageApiError('network', `the connection broke while reading the answer: ${(err as Error).message}`, res.status);
      }
      if (res.status === 401 || res.status === 403) {
        throw new UsageApiError('rejected', `HTTP ${res.status}: ${errorMessage(text) || res.statusText}`, res.status);
      }
      if (res.status === 429) {
        const retry = parseRetryAfter(res.headers.get('retry-after'), deps.now());
        throw new UsageApiError('rate-limited', `HTTP 429: ${errorMessage(text) || 'too many requests'}`, 429, retry);
      }
      if (res.status >= 500) throw new UsageApiError('server', `HTTP ${res.status}: ${errorMessage(text) || res.statusText}`, res.status);
      if (res.status < 200 || res.status >= 300) throw new UsageApiError('client', `HTTP ${res.status}: ${errorMessage(text) || res.statusText}`, res.status);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new UsageApiError('malformed', `the answer is not JSON (${text.replace(/\s+/g, ' ').slice(0, 60)}…)`, res.status);
      }
    },
  };
}

export type QueryValue = string | number | boolean | null | undefined | readonly string[];

/** Builds base + path + query; arrays repeat their key as given ("group_by" or "group_by[]": providers differ). */
export function buildUrl(baseUrl: string, path: string, query: Record<string, QueryValue> = {}): string {
  const u = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) u.searchParams.append(k, item);
    else u.searchParams.set(k, String(v));
  }
  return u.toString();
}

/** A guard against a server that keeps answering has_more: a month of hourly buckets is 5 pages. */
const MAX_PAGES = 500;

/**
 * Follows a cursor to the end. A repeated cursor or an endless run of pages is a malformed answer, not a reason
 * to poll forever.
 */
export async function followPages<T>(fetchPage: (cursor: string | null) => Promise<{ items: T[]; next: string | null }>): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (let pages = 0; ; pages++) {
    if (pages >= MAX_PAGES) throw new UsageApiError('malformed', `more than ${MAX_PAGES} pages: the cursor never ends`);
    const page = await fetchPage(cursor);
    out.push(...page.items);
    if (!page.next) return out;
    if (seen.has(page.next)) throw new UsageApiError('malformed', 'the next-page cursor repeats');
    seen.add(page.next);
    cursor = page.next;
  }
}

/** Throws a malformed-answer error unless `v` is an object with a `data` list. */
export function requireDataList(v: unknown, what: string): { data: unknown[]; body: Record<string, unknown> } {
  if (!isObject(v) || !Array.isArray(v.data)) throw new UsageApiError('malformed', `${what}: expected an object with a "data" list`);
  return { data: v.data, body: v };
}
