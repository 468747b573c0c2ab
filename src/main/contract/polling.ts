/**
 * Provider usage polling as the dashboard, the tray and the admin API see it. Types only. Admin keys never cross
 * this boundary: only their redacted labels do.
 */

/** A provider whose usage Tollgate can poll (OpenAI and Anthropic admin APIs, OpenRouter keys). */
export interface UsageSourceDto {
  /** "openai", "anthropic", "openrouter". */
  id: string;
  name: string;
  /** The key to paste, in words: "an admin key (sk-admin-…) made by an organization owner". */
  keyHint: string;
  defaultBaseUrl: string;
  /** The environment variable that overrides the base URL for every connection without its own. */
  baseUrlEnv: string;
  /** "organization": every key of the org is reported; "key": only the connected key itself. */
  coverage: 'organization' | 'key';
}

export type ConnectionState =
  /** Saved, not polled yet. */
  | 'pending'
  | 'ok'
  /** The last poll failed (rate limit, server or network error, malformed answer): retrying with backoff. */
  | 'retrying'
  /** 401/403: polling stopped until the key is replaced. */
  | 'rejected'
  /** Switched off by the user. */
  | 'disabled';

export interface UsageConnectionDto {
  id: string;
  provider: string;
  providerName: string;
  name: string;
  /** The admin key, redacted: "sk-admin-…wxyz". */
  keyLabel: string;
  /** The base URL polled: this connection's own, else the env var's, else the provider's. */
  baseUrl: string;
  /** This connection's own base URL, or null. */
  baseUrlOverride: string | null;
  intervalMinutes: number;
  enabled: boolean;
  state: ConnectionState;
  /** The state in words, e.g. "admin key rejected: OpenAI answered 401 …". */
  status: string;
  lastAttemptAt: number | null;
  /** When the last poll succeeded: every figure from this connection is "as of" this time or earlier. */
  asOf: number | null;
  nextPollAt: number | null;
  consecutiveFailures: number;
  lastError: string | null;
  /** The earliest instant whose usage has been fetched. */
  coveredFrom: number | null;
  /** Provider API keys listed by name. */
  keysKnown: number;
  /** Why key names could not be listed (e.g. the admin key lacks the scope), or null. */
  keyListError: string | null;
  /** Spend limits the provider reports for the key (OpenRouter), with their "as of". */
  limits: ProviderLimitsDto | null;
  createdAt: number;
  updatedAt: number;
}

export interface ProviderLimitsDto {
  limitUsd: number | null;
  remainingUsd: number | null;
  /** "daily", "weekly", "monthly" or null (never resets). */
  resets: string | null;
  usageDailyUsd: number | null;
  usageWeeklyUsd: number | null;
  usageMonthlyUsd: number | null;
  asOf: number;
}

export interface SaveConnectionInput {
  /** Present to update a saved connection; absent to add one. */
  id?: string;
  provider: string;
  name?: string;
  /** Required when adding; on update, leave it out to keep the stored key. Encrypted at rest, never shown again. */
  adminKey?: string;
  /** Minutes between polls: default 5, never less than 1. */
  intervalMinutes?: number;
  /** Overrides the admin API's base URL (a proxy, a test server); null clears it. */
  baseUrl?: string | null;
  enabled?: boolean;
}

/** Test a saved connection by id, or a key before saving it. */
export type TestConnectionInput = { id: string } | { provider: string; adminKey: string; baseUrl?: string | null };

export interface TestConnectionResult {
  ok: boolean;
  /** The answer in words: what works, or what is wrong and what to do. */
  message: string;
  /** The HTTP status that decided it, when there was one. */
  httpStatus: number | null;
  keysFound: number | null;
}

export interface ReportedQuery {
  /** Inclusive day keys ("2026-11-01") in the configured time zone; default: the last 7 days. */
  from?: string;
  to?: string;
  connectionId?: string;
}

/** How a provider's key id was tied to a Tollgate key. */
export type KeyMatch = 'fingerprint' | 'redacted' | null;

export interface ReportedKeyRow {
  connectionId: string;
  provider: string;
  /** The provider's id for the key ("key_abc", "apikey_01…"), or null for usage without a key (Anthropic Workbench). */
  providerKeyId: string | null;
  /** The Tollgate key id it matched, else `${provider}:${providerKeyId}`. */
  keyId: string;
  /** The name the provider knows the key by. */
  name: string | null;
  /** The provider's redacted value of the key. */
  redacted: string | null;
  match: KeyMatch;
  costUsd: number;
  /** Tokens whose model had no known price: counted, not in costUsd. */
  unpricedTokens: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  requests: number | null;
  /** When this figure was fetched from the provider (the oldest fetch among its buckets). */
  asOf: number;
}

export interface ReportedModelRow {
  provider: string;
  model: string | null;
  costUsd: number;
  /** false when no price is known for the model: tokens only. */
  priced: boolean;
  inputTokens: number;
  outputTokens: number;
  requests: number | null;
  asOf: number;
}

/** The provider's own billed cost for one UTC day (cost endpoints give daily buckets only). */
export interface BilledDayRow {
  connectionId: string;
  provider: string;
  /** UTC day, "2026-11-28". */
  utcDay: string;
  costUsd: number;
  /** Tollgate's pricing of the same day's reported tokens, for comparison. */
  itemisedUsd: number;
  asOf: number;
}

export interface ReportedUsageResult {
  from: string;
  to: string;
  keys: ReportedKeyRow[];
  models: ReportedModelRow[];
  billed: BilledDayRow[];
  totals: { costUsd: number; inputTokens: number; outputTokens: number; asOf: number | null };
}

export interface ReconciliationQuery {
  /** Inclusive day keys in the configured time zone; default: the last 7 days. */
  from?: string;
  to?: string;
}

export interface ReconciliationRow {
  day: string;
  provider: string;
  keyId: string;
  /** The name people know the key by (Tollgate's or the provider's), or null. */
  keyName: string | null;
  /** null: the provider reports this key's spend without a model breakdown (OpenRouter), so models are summed. */
  model: string | null;
  observedUsd: number;
  observedRequests: number;
  observedTokens: number;
  /** null when no connection's data covers this day yet. */
  reportedUsd: number | null;
  reportedTokens: number | null;
  /** reported − observed, signed. */
  differenceUsd: number | null;
  /** The part of the difference Tollgate did not see: max(0, reported − observed). */
  unseenUsd: number;
  asOf: number | null;
  /** In words: "$3.20 reported by Anthropic never passed through Tollgate". */
  note: string;
}

export interface ReconciliationResult {
  from: string;
  to: string;
  timezone: string;
  rows: ReconciliationRow[];
  totals: { observedUsd: number; reportedUsd: number; unseenUsd: number };
  /** What each connection's data covers, with its "as of". */
  coverage: { connectionId: string; provider: string; name: string; coveredFrom: number | null; asOf: number | null }[];
  /** One sentence for the dashboard. */
  summary: string;
}

export interface UsageUpdatedEvent {
  connectionId: string;
  provider: string;
  asOf: number;
  /** Buckets stored by this poll. */
  rows: number;
}

export interface ConnectionFailedEvent {
  connection: UsageConnectionDto;
  /** In words, ready for a notification. */
  message: string;
  /** true for 401/403: polling stopped until the key is fixed. */
  rejected: boolean;
}
