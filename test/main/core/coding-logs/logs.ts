/** Log lines in the documented formats of Claude Code 2.1 transcripts and Codex 0.171 rollouts. */

export function claudeLine(o: {
  msgId?: string;
  requestId?: string;
  model?: string;
  input?: number;
  write5m?: number;
  write1h?: number;
  read?: number;
  output?: number;
  sidechain?: boolean;
  ts?: string;
  cwd?: string;
  session?: string;
}): string {
  const write5m = o.write5m ?? 0;
  const write1h = o.write1h ?? 0;
  return JSON.stringify({
    parentUuid: 'p',
    isSidechain: o.sidechain ?? false,
    message: {
      id: o.msgId ?? 'msg_01A',
      type: 'message',
      role: 'assistant',
      model: o.model ?? 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'ok' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: o.input ?? 0,
        cache_creation_input_tokens: write5m + write1h,
        cache_read_input_tokens: o.read ?? 0,
        output_tokens: o.output ?? 0,
        server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
        service_tier: 'standard',
        cache_creation: { ephemeral_1h_input_tokens: write1h, ephemeral_5m_input_tokens: write5m },
        inference_geo: '',
        iterations: [],
        speed: 'standard',
      },
      stop_details: null,
    },
    requestId: o.requestId ?? 'req_01A',
    type: 'assistant',
    uuid: 'u',
    timestamp: o.ts ?? new Date().toISOString(),
    userType: 'external',
    entrypoint: 'sdk-cli',
    cwd: o.cwd ?? '/home/u/proj',
    sessionId: o.session ?? 'bb25-session',
    version: '2.1.197',
    gitBranch: 'HEAD',
  });
}

export const claudeUserLine = () => JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' }, timestamp: new Date().toISOString(), sessionId: 'bb25-session' });

export const claudeApiErrorLine = () =>
  JSON.stringify({
    type: 'assistant',
    message: {
      id: '5f0c2a1e-0000-4000-8000-000000000000',
      model: '<synthetic>',
      stop_reason: 'stop_sequence',
      usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      content: [{ type: 'text', text: "API Error: 400 Tollgate: budget 'cap' exceeded" }],
    },
    error: 'unknown',
    isApiErrorMessage: true,
    apiErrorStatus: 400,
    requestId: 'req_err',
    timestamp: new Date().toISOString(),
    sessionId: 'bb25-session',
    cwd: '/home/u/proj',
  });

const env = (type: string, payload: object, ts = new Date().toISOString()) => JSON.stringify({ timestamp: ts, ordinal: 1, type, payload });
type Usage6 = { input: number; cached: number; write?: number; output: number; reasoning: number };
const usage6 = (u: Usage6) => ({
  input_tokens: u.input,
  cached_input_tokens: u.cached,
  cache_write_input_tokens: u.write ?? 0,
  output_tokens: u.output,
  reasoning_output_tokens: u.reasoning,
  total_tokens: u.input + u.output,
});

export const codexMeta = (session = 'thread-1', cwd = '/home/u/codex-proj') =>
  env('session_meta', { session_id: session, cwd, originator: 'codex_exec', cli_version: '0.171.0', source: 'exec', model_provider: 'openai' });
export const codexTurn = (model = 'gpt-5') => env('turn_context', { model, cwd: '/home/u/codex-proj' });
export const codexCount = (total: Usage6, last: Usage6 | null, ts?: string) =>
  env(
    'event_msg',
    {
      type: 'token_count',
      info: { total_token_usage: usage6(total), ...(last ? { last_token_usage: usage6(last) } : {}), last_usage_includes_reasoning: false, model_context_window: 258400 },
      rate_limits: null,
    },
    ts,
  );
export const codexRecord = (responseId: string, u: Usage6, session = 'thread-1') =>
  env('token_usage_record', { thread_id: session, turn_id: 't', session_id: session, root_turn_id: 't', response_id: responseId, usage: usage6(u), turn_token_usage: usage6(u), thread_token_usage: usage6(u) });
