import type { TokenUsage } from '../../contract/usage.js';
import type { ProviderClient } from './provider-client.js';

/** What a source needs for one call: where, with which key, and a client that maps failures to UsageApiError. */
export interface SourceContext {
  baseUrl: string;
  secret: string;
  http: ProviderClient;
  now: number;
}

/** A time window, epoch ms, end exclusive. */
export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

/** One usage bucket as the provider reported it, normalised. */
export interface UsageBucket {
  /** Which endpoint it came from ("completions", "embeddings", "messages", "key-daily"): part of its identity. */
  kind: string;
  start: number;
  end: number;
  providerKeyId: string | null;
  model: string | null;
  /** The provider's project or workspace id. */
  project: string | null;
  batch: boolean;
  /** The provider says the calls were long-context (Anthropic's context_window "200k-1M"); null when unknown. */
  longContext: boolean | null;
  /** Calls in the bucket, when the provider counts them. */
  requests: number | null;
  usage: TokenUsage;
  /** Dollars the provider reported for exactly this bucket (OpenRouter); null: Tollgate prices the tokens. */
  costUsd: number | null;
}

/** A line of the provider's own cost report: daily, in dollars. */
export interface BilledBucket {
  start: number;
  end: number;
  project: string | null;
  /** Line item or description ("input_tokens", "Claude Sonnet 4 Usage - Input Tokens"). */
  item: string | null;
  model: string | null;
  costUsd: number;
}

export interface ProviderKeyInfo {
  /** The id usage reports use ("key_abc", "apikey_01…"). */
  id: string;
  name: string | null;
  /** The provider's redacted value ("sk-proj-…abcd", "sk-ant-api03-R2D…igAA"). */
  redacted: string | null;
  project: string | null;
  /** Tollgate's fingerprint of the key, when the source holds the key itself (OpenRouter): an exact match. */
  fingerprint?: string;
}

export interface ProviderLimits {
  limitUsd: number | null;
  remainingUsd: number | null;
  resets: string | null;
  usageDailyUsd: number | null;
  usageWeeklyUsd: number | null;
  usageMonthlyUsd: number | null;
}

/** A poll's result. Each window is what the source fetched completely; stored rows inside it are replaced. */
export interface FetchedUsage {
  usage: UsageBucket[];
  usageWindow: TimeWindow;
  billed: BilledBucket[];
  /** null: the source has no cost endpoint. */
  billedWindow: TimeWindow | null;
  /** Keys the source learned about while polling (OpenRouter's own key), merged with listKeys' answer. */
  keys?: ProviderKeyInfo[];
  limits?: ProviderLimits | null;
}

/**
 * Everything one provider's admin API needs: URLs, auth headers, paging and parsing live in
 * src/main/core/providers/<name>/usage-api.ts; the shared poller only calls this.
 */
export interface UsageSource {
  id: string;
  name: string;
  defaultBaseUrl: string;
  /** Environment variable that overrides the base URL (tests, proxies). */
  baseUrlEnv: string;
  /** The proxy route whose ledger rows and Tollgate keys this data belongs to. */
  routeId: string;
  /** How Tollgate prices reported tokens; null when the source reports dollars itself. */
  pricing: { routeId: string; pricingProviderId: string | null } | null;
  coverage: 'organization' | 'key';
  keyHint: string;
  /** A problem with a pasted key, in words, or null; e.g. a project key where an admin key is needed. */
  checkKey(secret: string): string | null;
  /** Fetch usage (and billed costs) for the window, following every page. Throws UsageApiError. */
  fetchUsage(ctx: SourceContext, window: TimeWindow): Promise<FetchedUsage>;
  /** The provider's API keys, so reported ids show as names. Throws UsageApiError. */
  listKeys(ctx: SourceContext): Promise<ProviderKeyInfo[]>;
  /** The cheapest call that proves the key can read usage; answers what it proved, in words. */
  probe(ctx: SourceContext): Promise<string>;
}
