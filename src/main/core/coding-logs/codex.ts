import type { TokenUsage } from '../../contract/usage.js';
import type { LogEntry } from './entry.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/** What a rollout said before the line being read: kept with the file's cursor so tailing resumes mid-file. */
export interface CodexFileState {
  session: string | null;
  cwd: string | null;
  model: string | null;
  /** Cumulative total_tokens of the last token_count counted: a repeated count of the same turn is skipped. */
  lastTotal: number;
  /** The rollout writes token_usage_record (Codex 0.171+): those are counted, token_count is then ignored. */
  hasRecords: boolean;
  /** Cumulative usage at the last token_count, for older rollouts without last_token_usage. */
  prev: TokenUsage | null;
}

export const newCodexState = (): CodexFileState => ({ session: null, cwd: null, model: null, lastTotal: 0, hasRecords: false, prev: null });

function usageOf(u: Obj): TokenUsage {
  return {
    // Codex counts cached input inside input_tokens and reasoning inside output_tokens, as Tollgate does.
    inputTokens: num(u.input_tokens),
    cacheReadTokens: num(u.cached_input_tokens),
    cacheWrite5mTokens: num(u.cache_write_input_tokens),
    cacheWrite1hTokens: 0,
    outputTokens: num(u.output_tokens),
    reasoningTokens: num(u.reasoning_output_tokens),
  };
}

const minus = (a: TokenUsage, b: TokenUsage): TokenUsage => ({
  inputTokens: Math.max(0, a.inputTokens - b.inputTokens),
  cacheReadTokens: Math.max(0, a.cacheReadTokens - b.cacheReadTokens),
  cacheWrite5mTokens: Math.max(0, a.cacheWrite5mTokens - b.cacheWrite5mTokens),
  cacheWrite1hTokens: 0,
  outputTokens: Math.max(0, a.outputTokens - b.outputTokens),
  reasoningTokens: Math.max(0, a.reasoningTokens - b.reasoningTokens),
});

/**
 * One rollout line: updates the file's state, and returns the usage entry it carries, if any. A token_count entry
 * is returned with `fromCount` so the caller can drop it when the same rollout also writes token_usage_record.
 */
export function parseCodexLine(line: string, st: CodexFileState): (LogEntry & { fromCount: boolean }) | null {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObj(o) || !isObj(o.payload)) return null;
  const p = o.payload;
  const ts = Date.parse(String(o.timestamp));
  if (o.type === 'session_meta') {
    st.session = str(p.session_id) ?? str(p.id) ?? st.session;
    st.cwd = str(p.cwd) ?? st.cwd;
    return null;
  }
  if (o.type === 'turn_context') {
    st.model = str(p.model) ?? st.model;
    st.cwd = str(p.cwd) ?? st.cwd;
    return null;
  }
  if (!Number.isFinite(ts)) return null;
  const base = { tool: 'codex' as const, provider: 'openai', operation: 'responses', ts, model: st.model, project: st.cwd, subscription: null };
  if (o.type === 'token_usage_record' && isObj(p.usage)) {
    st.hasRecords = true;
    const id = str(p.response_id);
    const keys = id ? [`codex:${id}`] : [];
    return { ...base, session: str(p.session_id) ?? str(p.thread_id) ?? st.session, usage: usageOf(p.usage), upstreamId: id, dedupeKeys: keys, marks: keys, fromCount: false };
  }
  if (o.type === 'event_msg' && p.type === 'token_count' && isObj(p.info)) {
    const info = p.info;
    const total = isObj(info.total_token_usage) ? usageOf(info.total_token_usage) : null;
    const totalTokens = total ? num((info.total_token_usage as Obj).total_tokens) || total.inputTokens + total.outputTokens : 0;
    // Codex repeats a token_count with unchanged totals (e.g. after a rate-limit update): one turn, counted once.
    if (total && totalTokens <= st.lastTotal) return null;
    const last = isObj(info.last_token_usage) ? usageOf(info.last_token_usage) : total && st.prev ? minus(total, st.prev) : total;
    if (total) {
      st.lastTotal = totalTokens;
      st.prev = total;
    }
    if (!last || st.hasRecords) return null;
    const key = st.session ? [`codex:${st.session}:${totalTokens}`] : [];
    return { ...base, session: st.session, usage: last, upstreamId: null, dedupeKeys: key, marks: key, fromCount: true };
  }
  return null;
}
