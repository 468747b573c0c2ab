/** Settings as the dashboard and the admin API see them. Types only. */

export interface CustomProviderSettings {
  id: string;
  name: string;
  baseUrl: string;
  pricingProviderId: string | null;
  free: boolean;
  authHeader: 'bearer' | 'api-key';
  injectStreamUsage: boolean;
  defaultModel: string | null;
}

/** Dollars per million tokens. Fields left out fall back to the input price. */
export interface PriceOverride {
  /** A route id ("openai", "anthropic", "gemini", a custom provider's id) or "*" for any. */
  provider: string;
  /** An exact model id, or a prefix ending in "*". */
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
  cacheReadPerMTok?: number;
  cacheWrite5mPerMTok?: number;
  cacheWrite1hPerMTok?: number;
  note?: string;
}

export type UnpricedPolicy = 'allow' | 'block';

export interface Settings {
  /** Upstream base URLs of the built-in providers, by route id. */
  upstreams: Record<string, string>;
  customProviders: CustomProviderSettings[];
  /** How many recent requests the ledger keeps in full. */
  recentLimit: number;
  bodyLimitBytes: number;
  /** An upstream that sends nothing for this long is given up on (504, or a stream ended as partial). */
  upstreamIdleTimeoutMs: number;
  /** "local" or an IANA zone such as "Europe/Berlin" or "UTC": days, weeks and months end in it. */
  timezone: string;
  priceOverrides: PriceOverride[];
  /** Off: every budget warns but never blocks (the tray's hard-stop toggle). */
  hardStopEnforcement: boolean;
  /** Blocks all AI traffic at once. */
  paused: boolean;
  /** What to do with calls to models without a known price. */
  unpricedPolicy: UnpricedPolicy;
  /** Optional: budget alerts are also POSTed here as JSON with a Slack-compatible `text` field. */
  alertWebhookUrl: string | null;
  /** Tiers new budgets get: notification thresholds in percent, and the hard stop (null: soft only). */
  defaultThresholds: number[];
  defaultHardStopPercent: number | null;
  /** Where a budget's "degrade" action sends a model, per provider route id; keys may end in "*". */
  degradeMap: Record<string, Record<string, string>>;
  /**
   * The output a request may produce when it sets no max tokens, for worst-case reservations. The model's
   * context window bounds it too; a stream that outruns it is still cut off at the hard stop.
   */
  assumedMaxOutputTokens: number;
  /**
   * The least output a request may be clamped to when its asked-for output does not fit before a hard stop:
   * below this the answer would be of no use, so the request is blocked instead.
   */
  clampFloorOutputTokens: number;
  /** Imports spend that bypassed the proxy from Claude Code's and Codex's local logs (where the app enables it). */
  importCodingLogs: boolean;
  /** Days every request is kept in the history database (searchable, exportable); older ones are pruned. */
  historyRetentionDays: number;
}
