import type { TokenUsage } from '../../contract/usage.js';
import type { LogEntry } from './entry.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/**
 * One Claude Code transcript line as a usage entry, or null: only assistant lines with usage count; API-error
 * lines (model "<synthetic>", zero usage) are what Claude Code wrote for a refused call, not spend.
 */
export function parseClaudeCodeLine(line: string): LogEntry | null {
  if (!line.includes('"usage"')) return null;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObj(o) || o.type !== 'assistant' || !isObj(o.message) || !isObj(o.message.usage)) return null;
  if (o.isApiErrorMessage === true) return null;
  const msg = o.message;
  const model = str(msg.model);
  if (!model || model === '<synthetic>') return null;
  const u = msg.usage as Obj;
  const ts = Date.parse(String(o.timestamp));
  if (!Number.isFinite(ts)) return null;
  const read = num(u.cache_read_input_tokens);
  const writes = num(u.cache_creation_input_tokens);
  const cc = isObj(u.cache_creation) ? u.cache_creation : null;
  const w1h = cc ? Math.min(writes, num(cc.ephemeral_1h_input_tokens)) : 0;
  const usage: TokenUsage = {
    inputTokens: num(u.input_tokens) + read + writes,
    cacheReadTokens: read,
    cacheWrite5mTokens: writes - w1h,
    cacheWrite1hTokens: w1h,
    outputTokens: num(u.output_tokens),
    reasoningTokens: 0,
  };
  const messageId = str(msg.id);
  const requestId = str(o.requestId);
  const sidechain = o.isSidechain === true;
  return {
    tool: 'claude-code',
    provider: 'anthropic',
    operation: 'messages',
    ts,
    model,
    usage,
    project: str(o.cwd),
    session: str(o.sessionId),
    upstreamId: messageId,
    // Streamed replies are written once per content block with the same ids; a sidechain replay (/btw) reuses
    // the message id under another request id.
    dedupeKeys: messageId ? [sidechain ? `cc:${messageId}` : `cc:${messageId}:${requestId ?? ''}`] : [],
    marks: messageId ? [`cc:${messageId}:${requestId ?? ''}`, `cc:${messageId}`] : [],
    subscription: null,
  };
}
