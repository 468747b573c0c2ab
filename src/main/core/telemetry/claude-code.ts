import type { TokenUsage } from '../../contract/usage.js';
import { attr, count, text, userOf, type Figures, type TelemetryCall } from './call.js';
import { nsToMs, type LogEvent, type MetricPoint } from './shape.js';

const USER_IDS = ['user.email', 'user.account_uuid', 'user.id'] as const;

/** Claude Code's resource says `service.name=claude-code`; its scopes start with com.anthropic.claude_code. */
export function isClaudeCode(scope: string, resource: Record<string, unknown>): boolean {
  return scope.startsWith('com.anthropic.claude_code') || resource['service.name'] === 'claude-code';
}

/** `claude-opus-4-8[1m]` (the 1M-context default) is priced as `claude-opus-4-8`. */
export function baseModel(model: string | null): string | null {
  if (!model) return null;
  const i = model.indexOf('[');
  return i > 0 ? model.slice(0, i) : model;
}

/**
 * An `api_request` event as a call. Its token counts follow Anthropic's usage: input_tokens excludes cache reads
 * and writes, which Tollgate's usage includes. Cache writes are not split by lifetime in the event, so they count
 * as 5-minute writes (the default lifetime).
 */
export function claudeCodeCall(e: LogEvent): TelemetryCall | null {
  if (!isClaudeCode(e.scope, e.resource)) return null;
  if (e.name !== 'api_request' && e.name !== 'claude_code.api_request') return null;
  const a = (k: string) => attr(e.attrs, e.resource, k);
  const read = count(a('cache_read_tokens'));
  const write = count(a('cache_creation_tokens'));
  const usage: TokenUsage = {
    inputTokens: count(a('input_tokens')) + read + write,
    cacheReadTokens: read,
    cacheWrite5mTokens: write,
    cacheWrite1hTokens: 0,
    outputTokens: count(a('output_tokens')),
    reasoningTokens: 0,
  };
  const cost = a('cost_usd');
  const micros = a('cost_usd_micros');
  const costUsd = cost !== undefined ? count(cost) : micros !== undefined ? count(micros) / 1e6 : null;
  const session = text(a('session.id'));
  const requestId = text(a('request_id'));
  const ts = nsToMs(e.timeNs) || Date.parse(String(a('event.timestamp') ?? ''));
  return {
    tool: 'claude-code',
    provider: 'anthropic',
    operation: 'messages',
    ts: Number.isFinite(ts) ? ts : 0,
    model: baseModel(text(a('model'))),
    usage,
    costUsd,
    user: userOf(e.attrs, e.resource, USER_IDS),
    session,
    requestId,
    dedupeKey: requestId ? `cc:req:${requestId}` : `cc:${session ?? ''}:${text(a('prompt.id')) ?? ''}:${text(a('event.sequence')) ?? ''}:${e.timeNs}`,
    subscription: null,
  };
}

/** Which figure a Claude Code metric point adds to, or null for metrics that are not spend. */
export function claudeCodeFigure(p: MetricPoint): number | null {
  if (!isClaudeCode(p.scope, p.resource) || p.kind !== 'sum') return null;
  if (p.name === 'claude_code.cost.usage') return 0;
  if (p.name !== 'claude_code.token.usage') return null;
  switch (p.attrs.type) {
    case 'input':
      return 1;
    case 'output':
      return 2;
    case 'cacheRead':
      return 3;
    case 'cacheCreation':
      return 4;
    default:
      return null;
  }
}

/** Who, in which session and on which model a Claude Code point counts. */
export function claudeCodeSeries(p: MetricPoint): { user: string | null; session: string | null; model: string | null } {
  return {
    user: userOf(p.attrs, p.resource, USER_IDS),
    session: text(attr(p.attrs, p.resource, 'session.id')),
    model: baseModel(text(attr(p.attrs, p.resource, 'model'))),
  };
}

export function emptyFigures(): Figures {
  return [0, 0, 0, 0, 0];
}
