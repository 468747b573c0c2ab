/** Token counts of one call, normalised across providers. Types only: shared by main, preload and renderer. */
export interface TokenUsage {
  /** All input tokens, cache reads and cache writes included. */
  inputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  /** All output tokens, reasoning included. */
  outputTokens: number;
  reasoningTokens: number;
}

export type RequestFlag =
  | 'partial' // the stream ended early (client abort, upstream break); usage is what was seen
  | 'estimated' // some counts were estimated from text because the final usage never came
  | 'unpriced' // no price known for the model: tokens recorded, cost unknown
  | 'error' // upstream answered with an error status
  | 'blocked' // refused by a budget before forwarding
  | 'degraded' // forwarded to a cheaper model by a budget
  | 'cut-off' // the stream was ended by a budget's hard stop
  | 'clamped' // max output tokens were clamped by a run budget
  | 'subscription' // a subscription (OAuth) token: dollars are API-equivalent, not billed
  | 'truncated' // a stored string (model, project, user, run, key label, note) was cut to the ledger's bound
  | 'implausible-usage'; // reported usage was beyond what the model allows (or not finite) and was capped

/** Where spend was seen: proxied through Tollgate, imported from a coding tool's logs, or exported by it (OTLP). */
export type RecordSource = 'proxy' | 'logs' | 'telemetry';

export interface RequestRecord {
  id: string;
  /** Start time, epoch ms. */
  ts: number;
  durationMs: number;
  /** Time to the upstream's first response byte, ms. */
  ttfbMs: number | null;
  provider: string;
  operation: string;
  /** The model the client asked for. */
  model: string;
  /** The model the upstream reports it used, when it says. */
  responseModel: string | null;
  keyId: string;
  keyLabel: string;
  project: string | null;
  user: string | null;
  run: string | null;
  status: number;
  stream: boolean;
  usage: TokenUsage;
  /** null when unpriced. */
  costUsd: number | null;
  /** The price entry that priced it (e.g. "claude-sonnet-4-5"), or null. */
  pricedModel: string | null;
  /** Which source and version priced it, e.g. "genai-prices@0.1.8", "override", "upstream-reported". */
  priceSource: string | null;
  flags: RequestFlag[];
  /** Free text for blocks and errors. */
  note?: string;
  /**
   * Where the record came from: the proxy (absent in older records), a coding tool's local logs, or the
   * OpenTelemetry export a coding tool sent to Tollgate's OTLP intake.
   */
  source?: RecordSource;
  /** The upstream's id of the reply (Anthropic message id, Responses id), when it was seen. */
  upstreamId?: string;
  /** For imported and telemetry records: the tool (claude-code, codex) and its session. */
  tool?: string;
  session?: string;
}

/** One rollup row: a day × provider × key × model × project × user × run bucket. */
export interface RollupRow {
  day: string;
  provider: string;
  keyId: string;
  model: string;
  project: string | null;
  /** The call's user and agent run (x-tollgate-user / x-tollgate-run). Absent in rows stored before they were kept: read as null. */
  user?: string | null;
  run?: string | null;
  requests: number;
  errors: number;
  partial: number;
  unpricedRequests: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number;
}
