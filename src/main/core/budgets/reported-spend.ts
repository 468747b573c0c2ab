/**
 * What the budget engine reads: provider-reported spend per bucket, with the key ids budgets scope by. Budgets
 * whose `counts` is "reported" or "max" add these rows; "as of" says how fresh each one is.
 */
export interface ReportedSpendRow {
  /** The proxy route id ("openai", "anthropic", "openrouter"). */
  provider: string;
  /** Tollgate key id when matched to a fingerprint or wrapped key, else `${provider}:${providerKeyId}` */
  keyId: string;
  providerKeyId: string | null;
  model: string | null;
  /** The matched wrapped key's project when it has one, else the provider's project / workspace id. */
  project: string | null;
  /** The bucket, epoch ms, end exclusive: hourly for OpenAI and Anthropic, a UTC day for OpenRouter. */
  start: number;
  end: number;
  /** The provider's own dollars where it reports them per bucket (OpenRouter), else the tokens priced by Tollgate; 0 when unpriced. */
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  /** When Tollgate fetched this bucket from the provider. */
  asOf: number;
}

export interface ReportedSpendSource {
  /** Rows whose bucket starts in [fromMs, toMs). */
  rows(fromMs: number, toMs: number): ReportedSpendRow[];
  /** Called after a poll changed the figures, or a connection was removed. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  /**
   * True when `rows` would return nothing for any range (no usage connection at all): budgets then skip the
   * per-budget look-up on the request path. Absent, the rows are always consulted.
   */
  isEmpty?(): boolean;
}

