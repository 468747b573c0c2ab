import type { TokenUsage } from '../../contract/usage.js';
import { attr, count, text, userOf, type TelemetryCall } from './call.js';
import { nsToMs, type LogEvent } from './shape.js';

const USER_IDS = ['user.email', 'user.account_id', 'user.id'] as const;

/**
 * Codex's usage-bearing event: `codex.sse_event` of kind `response.completed`. Its counts follow the Responses
 * API: input includes cached input and output includes reasoning, as Tollgate's usage does. Codex emits one for
 * the WebSocket prewarm response too; that response is a real upstream call, so it is counted like any other.
 * The event has no request id, so a retried export is recognised by conversation, time and counts.
 */
export function codexCall(e: LogEvent): TelemetryCall | null {
  if (e.name !== 'codex.sse_event') return null;
  const a = (k: string) => attr(e.attrs, e.resource, k);
  if (a('event.kind') !== 'response.completed') return null;
  const input = count(a('input_token_count'));
  const output = count(a('output_token_count'));
  const cached = Math.min(input, count(a('cached_token_count')));
  const usage: TokenUsage = {
    inputTokens: input,
    cacheReadTokens: cached,
    cacheWrite5mTokens: Math.min(input - cached, count(a('cache_write_token_count'))),
    cacheWrite1hTokens: 0,
    outputTokens: output,
    reasoningTokens: Math.min(output, count(a('reasoning_token_count'))),
  };
  const session = text(a('conversation.id'));
  const stamp = text(a('event.timestamp'));
  const parsed = stamp ? Date.parse(stamp) : NaN;
  const ts = Number.isFinite(parsed) ? parsed : nsToMs(e.timeNs);
  const auth = text(a('auth_mode'));
  return {
    tool: 'codex',
    provider: 'openai',
    operation: 'responses',
    ts,
    model: text(a('model')),
    usage,
    costUsd: null,
    user: userOf(e.attrs, e.resource, USER_IDS),
    session,
    requestId: null,
    dedupeKey: `cx:${session ?? ''}:${stamp ?? e.timeNs}:${input}:${output}:${cached}`,
    // "chatgpt" is a ChatGPT-plan login; "api_key" (or similar) is billed per token.
    subscription: auth === null ? null : auth.toLowerCase().includes('chatgpt'),
  };
}
