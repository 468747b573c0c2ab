/**
 * The load the crash and soak tests put on a real Tollgate process: OpenAI, Anthropic and Gemini calls, streamed
 * and not, each with its own usage (so totals can be checked exactly), plus the faults they inject.
 */
import http from 'node:http';
import type { FakeUpstream, Scenario } from '../../support/fake-upstream.js';

export type Provider = 'openai' | 'anthropic' | 'gemini';
export const PROVIDERS: Provider[] = ['openai', 'anthropic', 'gemini'];

export interface Usage {
  input: number;
  output: number;
}

export interface Built {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Usage in each provider's own format, as its API reports it. */
function providerUsage(p: Provider, u: Usage): Record<string, unknown> {
  if (p === 'openai') return { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output };
  if (p === 'anthropic') return { input_tokens: u.input, output_tokens: u.output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  return { promptTokenCount: u.input, candidatesTokenCount: u.output, totalTokenCount: u.input + u.output };
}

/** The inverse, for the upstream's tally: what a served response reported, normalised. */
function reportedUsage(path: string, usage: Record<string, number>): Usage {
  if (path.startsWith('/v1/chat/completions')) return { input: usage.prompt_tokens ?? 0, output: usage.completion_tokens ?? 0 };
  if (path.startsWith('/v1/messages')) {
    return { input: (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0), output: usage.output_tokens ?? 0 };
  }
  return { input: usage.promptTokenCount ?? 0, output: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0) };
}

export function build(opts: {
  provider: Provider;
  stream: boolean;
  /** Usage the upstream will report; left out for fault scenarios (the tally counts only calls that carry it). */
  usage?: Usage;
  scenario?: Scenario;
  project?: string;
  key?: string;
  maxTokens?: number;
}): Built {
  const { provider: p, stream } = opts;
  const scenario: Scenario = { ...opts.scenario, ...(opts.usage ? { usage: providerUsage(p, opts.usage) } : {}) };
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-fake': JSON.stringify(scenario) };
  if (opts.project) headers['x-tollgate-project'] = opts.project;
  const key = opts.key ?? 'load';
  const messages = [{ role: 'user', content: 'Say hello.' }];
  if (p === 'openai') {
    headers.authorization = `Bearer sk-${key}-000000000000`;
    return { path: '/openai/v1/chat/completions', headers, body: JSON.stringify({ model: 'gpt-4o-mini', messages, stream, ...(opts.maxTokens ? { max_tokens: opts.maxTokens } : {}) }) };
  }
  if (p === 'anthropic') {
    headers['x-api-key'] = `sk-ant-${key}-000000000000`;
    headers['anthropic-version'] = '2023-06-01';
    return { path: '/anthropic/v1/messages', headers, body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: opts.maxTokens ?? 256, messages, stream }) };
  }
  headers['x-goog-api-key'] = `AIza${key}00000000000000000000000`;
  const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  return {
    path: `/gemini/v1beta/models/gemini-2.5-flash:${method}`,
    headers,
    body: JSON.stringify({ contents: [{ parts: [{ text: 'Say hello.' }] }], ...(opts.maxTokens ? { generationConfig: { maxOutputTokens: opts.maxTokens } } : {}) }),
  };
}

export interface Outcome {
  status: number;
  /** Tollgate's request id (x-tollgate-request-id), when headers arrived. */
  id: string | null;
  /** The response ended normally. */
  complete: boolean;
  body: string;
  headers: http.IncomingHttpHeaders;
  error: string | null;
  /** Date.now() when it finished (or failed). */
  doneAt: number;
  ms: number;
  /** Destroys the request (for held streams). */
  close(): void;
}

export interface SendOptions {
  /** Destroy the request after this many response chunks (a client that goes away mid-stream). */
  abortAfterChunks?: number;
  /** Send half the body, then go away (a client that disconnects mid-upload). */
  abortMidUpload?: boolean;
  /** Resolve as soon as the response headers arrive, leaving the response open (held streams). */
  headersOnly?: boolean;
  timeoutMs?: number;
}

export function send(agent: http.Agent, base: string, b: Built, o: SendOptions = {}): Promise<Outcome> {
  const t0 = performance.now();
  let req!: http.ClientRequest;
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    let status = 0;
    let id: string | null = null;
    let headers: http.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    const done = (complete: boolean, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status, id, complete, body: Buffer.concat(chunks).toString('utf8'), headers, error, doneAt: Date.now(), ms: performance.now() - t0, close: () => req.destroy() });
    };
    const url = new URL(b.path, base);
    req = http.request(url, { method: 'POST', agent, headers: { ...b.headers, 'content-length': String(Buffer.byteLength(b.body) + (o.abortMidUpload ? 100 : 0)) } }, (res) => {
      status = res.statusCode ?? 0;
      headers = res.headers;
      id = (res.headers['x-tollgate-request-id'] as string | undefined) ?? null;
      if (o.headersOnly) return done(false, null);
      let n = 0;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        if (o.abortAfterChunks !== undefined && ++n >= o.abortAfterChunks) {
          req.destroy();
          done(false, 'client-abort');
        }
      });
      res.on('end', () => done(true, null));
      res.on('aborted', () => done(false, 'aborted'));
      res.on('error', (e) => done(false, (e as NodeJS.ErrnoException).code ?? e.message));
      res.on('close', () => done(res.complete, res.complete ? null : 'closed'));
    });
    req.on('error', (e) => done(false, (e as NodeJS.ErrnoException).code ?? e.message));
    const timer = setTimeout(() => {
      req.destroy();
      done(false, 'client-timeout');
    }, o.timeoutMs ?? 30_000);
    if (o.abortMidUpload) {
      req.write(b.body.slice(0, Math.floor(b.body.length / 2)));
      setTimeout(() => {
        req.destroy();
        done(false, 'client-abort');
      }, 10);
    } else req.end(b.body);
  });
}

/** A complete, faithful answer: the whole body the fake sends for a clean call reached the client. */
export function faithful(p: Provider, stream: boolean, o: Outcome): boolean {
  if (o.status !== 200 || !o.complete) return false;
  if (p === 'openai') return stream ? o.body.includes('data: [DONE]') : safeJson(o.body)?.choices?.[0]?.message?.content === 'Hello from the fake upstream!';
  if (p === 'anthropic') return stream ? o.body.includes('event: message_stop') : safeJson(o.body)?.content?.[0]?.text === 'Hello from the fake upstream!';
  return stream ? o.body.includes('"finishReason":"STOP"') : safeJson(o.body)?.candidates?.[0]?.finishReason === 'STOP';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export interface Tally {
  served: number;
  input: number;
  output: number;
}

/**
 * Counts what the upstream served in full (its response finished) and the usage it reported in it, for calls
 * that carried their own usage: the ledger's totals must come out equal to this.
 */
export function tallyUpstream(fake: FakeUpstream): Tally {
  const t: Tally = { served: 0, input: 0, output: 0 };
  fake.server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const header = req.headers['x-fake'];
    if (typeof header !== 'string') return;
    const s = JSON.parse(header) as Scenario;
    if (!s.usage) return;
    const u = reportedUsage(new URL(req.url ?? '/', 'http://x').pathname, s.usage as Record<string, number>);
    res.on('finish', () => {
      if (res.statusCode !== 200) return;
      t.served++;
      t.input += u.input;
      t.output += u.output;
    });
  });
  return t;
}

/** Recent received requests are kept by the fake for assertions; a long run must not keep them all. */
export function forgetReceived(fake: FakeUpstream): () => void {
  const timer = setInterval(() => fake.received.splice(0), 1000);
  return () => clearInterval(timer);
}

export const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
export const randInt = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));
