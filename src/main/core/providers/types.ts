import type { IncomingHttpHeaders } from 'node:http';
import type { TokenUsage } from '../../contract/usage.js';
import type { JsonObject } from '../util/json.js';

/** What a provider module read from a usage object or stream; missing fields are filled by the proxy. */
export interface MeteredUsage {
  usage: Partial<TokenUsage> | null;
  /** The model the upstream says it used. */
  responseModel: string | null;
  /** A cost the upstream reported itself (OpenRouter's usage.cost), in dollars. */
  reportedCostUsd: number | null;
  /** True when the final usage was seen (a stream's last usage event, or a whole JSON body). */
  complete: boolean;
  /** Characters of generated text seen: the basis of an output estimate when usage never came. */
  textChars: number;
  /** The upstream's own id of the reply (Anthropic message id, Responses id): lets log import skip proxied calls. */
  upstreamId?: string | null;
}

export interface CallInfo {
  model: string | null;
  stream: boolean;
  /** The output cap the request sets, if any. */
  maxOutputTokens: number | null;
  /**
   * Anthropic extended thinking's `budget_tokens`: it must stay at least 1,024 and below the output cap, so a
   * clamp cannot go below 1,025 output tokens and lowers the thinking budget with it.
   */
  thinkingBudget?: number;
  /**
   * Whether the call may write prompt-cache entries billed at the long (1-hour) rate, which admission's worst case
   * then assumes for every input token; absent, it may (the dearest case). Anthropic bills 1-hour writes at 2× the
   * input price and the default 5-minute ones at 1.25×, and writes 1-hour entries only where a request asks for them.
   */
  longCacheWrites?(): boolean;
  /** The prompt's text, for token estimates; computed lazily because most calls never need it. */
  promptText(): string;
}

/** Per-request state a stream meter keeps; `prepare` returns what the meter needs to know. */
export interface PreparedCall {
  /** The body was changed and must be re-serialised. */
  changed: boolean;
  /** Tollgate asked upstream for a usage chunk the client did not ask for: strip it from the stream. */
  injectedUsage: boolean;
  /**
   * The whole change, when it only added this member (`"key":value`) to the body's top-level object, which had
   * no such key: the client's bytes with it appended are the new body, with no re-serialising of the rest.
   */
  appended?: string;
}

/**
 * A stream meter sees every SSE event. In filter mode (`PreparedCall.injectedUsage`), its return value decides
 * what the client gets for that event: the raw text unchanged, a replacement, or '' to drop it.
 */
export interface StreamMeter {
  onEvent(event: string | undefined, data: string, raw: string): string;
  result(): MeteredUsage;
  /**
   * Filter mode: a field Tollgate's request change adds to every event, in the upstream's usual spelling. The
   * filter cuts it out of each chunk wherever an object closes right after it, before the meter reads
   * the event, so an unchanged chunk goes on as it came; the meter still removes any other spelling itself.
   */
  injectedField?: string;
}

export interface Operation {
  /** e.g. "chat.completions", "messages", "generateContent". */
  name: string;
  /** Whether this call is billed by tokens (count_tokens and model listings are not). */
  metered: boolean;
  inspect(body: JsonObject | null, path: string, query: URLSearchParams): CallInfo;
  /** Adjust the forwarded body (e.g. ask for stream usage). Mutates body. */
  prepare(body: JsonObject | null, call: CallInfo, query: URLSearchParams): PreparedCall;
  usageFromBody(json: unknown): MeteredUsage;
  createStreamMeter(prepared: PreparedCall): StreamMeter;
  /** The frame that ends a stream cleanly with an error, in this format; null where the format has none. */
  streamErrorFrame(message: string): string | null;
  /** Replace the model (budget degrade). Returns false if the model is not in the body (e.g. Gemini's path). */
  setModel(body: JsonObject | null, model: string, path: string): { body: boolean; path: string };
  /** Clamp the output cap (run budgets, and requests that do not fit before a hard stop); sets one where absent. */
  clampOutput(body: JsonObject | null, max: number): boolean;
  /** Whether the body must be JSON. */
  jsonBody: boolean;
  /**
   * How a streamed answer is framed, which picks the tap that meters it: 'sse' (the default), 'json-array' (one
   * JSON array read whole at the end, e.g. Gemini without alt=sse) or 'aws-event-stream' (AWS's binary frames).
   * A response whose content-type says text/event-stream is read as SSE whatever this says.
   */
  framing?: StreamFraming;
}

/** The framing of a streamed answer; 'json' is what a non-streamed call gets. */
export type StreamFraming = 'sse' | 'json-array' | 'aws-event-stream';
export type Framing = StreamFraming | 'json';

/**
 * The request Tollgate is about to send upstream, with its body final. `authorize` may change headers and query
 * and sign over method, path, query, headers and body.
 */
export interface UpstreamRequest {
  method: string;
  /** The full upstream path (the base URL's path plus the route's), without the query. */
  path: string;
  /** Changes take effect when a secret was given (the query is then re-serialised). */
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** The exact bytes sent; null when the body is streamed through unread (unmetered routes). */
  body: Buffer | null;
}

export interface Credential {
  value: string;
  /** 'subscription' for OAuth tokens (Claude Code Pro/Max): spend is API-equivalent, not billed. */
  kind: 'api-key' | 'subscription';
}

export type ErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'too_large'
  | 'budget_exceeded'
  | 'paused'
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'internal';

export interface ProviderModule {
  /** Route id: `/openai/...`, or `/custom/<id>/...` for OpenAI-compatible ones. */
  id: string;
  name: string;
  /** The genai-prices provider id its models are priced under; null when only overrides apply. */
  pricingProviderId: string | null;
  /** Local models (Ollama): priced at $0 on purpose, and recorded as such. */
  free: boolean;
  /** How far its token counts can run past the local o200k tokenizer's (budgets' worst case); see providers/index.ts. */
  tokenizerMargin?: number;
  baseUrl: string;
  /** What clients append to Tollgate's route prefix in their base URL: "/v1" for OpenAI's SDK, "" for Anthropic's. */
  clientBasePath: string;
  /** The route path (after the prefix) to the operation; null means pass through unmetered. */
  operation(method: string, path: string): Operation | null;
  credential(headers: IncomingHttpHeaders, query: URLSearchParams): Credential | null;
  /**
   * Makes the request acceptable upstream: puts a wrapped key's real secret where the provider expects it, mints
   * a token, or signs the request. Called once the body is final, just before sending; `secret` is null when the
   * client's own credential passes through. May be async; a rejection answers the client with a 500.
   */
  authorize(request: UpstreamRequest, secret: string | null): void | Promise<void>;
  errorBody(status: number, kind: ErrorKind, message: string): string;
  /** Default models the budget engine degrades to, and context limits it bounds output with, live in pricing. */
}
