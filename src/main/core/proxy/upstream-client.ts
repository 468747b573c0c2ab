import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

/** The provider sent nothing for the call's idle limit. */
export class UpstreamTimeoutError extends Error {
  constructor(ms: number) {
    super(`upstream sent nothing for ${Math.round(ms / 1000)} s`);
  }
}

/** The request itself could not be sent as built (a header value HTTP cannot carry): nothing left. */
export class UnsendableRequestError extends Error {}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const UNSENDABLE_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

/**
 * The provider's answer as the taps read it: status, headers (lower-cased, as Node's http client gives them),
 * then 'data' for each chunk, 'end' once it is complete, and 'close' last, with `complete` false when it broke.
 * It is the part of an IncomingMessage the taps use, fed by undici's dispatcher without a stream in between: a
 * bare pipe built that way serves 1.1-1.5x the calls of one built on http.request (bench/run.ts, README).
 */
export class UpstreamAnswer {
  complete = false;
  private paused = false;
  private resumeUpstream: (() => void) | null = null;
  private readonly onData: ((chunk: Buffer) => void)[] = [];
  private readonly onEnd: (() => void)[] = [];
  private readonly onClose: (() => void)[] = [];
  private readonly onError: ((err: Error) => void)[] = [];

  constructor(
    readonly statusCode: number,
    readonly headers: IncomingHttpHeaders,
    resume: () => void,
  ) {
    this.resumeUpstream = resume;
  }

  on(event: 'data', fn: (chunk: Buffer) => void): this;
  on(event: 'end' | 'close', fn: () => void): this;
  on(event: 'error', fn: (err: Error) => void): this;
  on(event: 'data' | 'end' | 'close' | 'error', fn: ((chunk: Buffer) => void) | (() => void) | ((err: Error) => void)): this {
    if (event === 'data') this.onData.push(fn as (chunk: Buffer) => void);
    else if (event === 'end') this.onEnd.push(fn as () => void);
    else if (event === 'close') this.onClose.push(fn as () => void);
    else this.onError.push(fn as (err: Error) => void);
    return this;
  }

  /** Stops reading from the provider after this chunk, until resume(): the client is slower than the provider. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.resumeUpstream?.();
  }

  /** @internal the dispatcher's side. Returns whether to keep reading. */
  data(chunk: Buffer): boolean {
    for (const fn of this.onData) fn(chunk);
    return !this.paused;
  }

  /** @internal */
  finish(err: Error | null): void {
    this.resumeUpstream = null;
    if (err === null) {
      this.complete = true;
      for (const fn of this.onEnd) fn();
    } else for (const fn of this.onError) fn(err);
    for (const fn of this.onClose) fn();
  }
}

/** A call in flight upstream; destroy() drops it, and an answer being read ends as broken. */
export interface UpstreamCall {
  destroy(): void;
}

export interface UpstreamRequestOptions {
  origin: string;
  method: string;
  /** Path with its query. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Final bytes, a client's body streamed through unread, or nothing. */
  body: Buffer | Readable | null;
  idleMs: number;
}

export interface UpstreamEvents {
  /** The call, just before it leaves; false stops it there (the client left meanwhile), and nothing follows. */
  opened(call: UpstreamCall): boolean;
  response(answer: UpstreamAnswer): void;
  /** Before any answer: the provider could not be reached, timed out, or the request could not be sent. */
  error(err: Error): void;
}

/** Node's http client joins repeated headers with ", " (set-cookie stays a list); the taps expect that shape. */
function headersOf(raw: Buffer[]): IncomingHttpHeaders {
  const h: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]!.toString('latin1').toLowerCase();
    const v = raw[i + 1]!.toString('latin1');
    const had = h[k];
    if (k === 'set-cookie') (had ? (had as string[]) : (h[k] = [])).push(v);
    else h[k] = had === undefined ? v : `${had as string}, ${v}`;
  }
  return h as IncomingHttpHeaders;
}

function upstreamError(err: Error, idleMs: number): Error {
  const code = (err as { code?: string }).code;
  if (code && TIMEOUT_CODES.has(code)) return new UpstreamTimeoutError(idleMs);
  if (code && UNSENDABLE_CODES.has(code)) return new UnsendableRequestError(err.message);
  return err;
}

/**
 * Sends one request through undici's dispatcher (keep-alive pools per origin) and reports its answer. The bytes
 * of the answer are handed on as they arrive; nothing is buffered here.
 */
export function sendUpstream(dispatcher: Dispatcher, o: UpstreamRequestOptions, events: UpstreamEvents): UpstreamCall {
  let abort: ((err?: Error) => void) | null = null;
  let destroyed = false;
  let answer: UpstreamAnswer | null = null;
  let settled = false;
  const settle = (err: Error | null) => {
    if (settled) return;
    settled = true;
    if (answer) answer.finish(err);
    else events.error(err ?? new Error('the upstream ended without an answer'));
  };
  const handler: Dispatcher.DispatchHandlers = {
    onConnect(a) {
      abort = a;
      if (destroyed) a();
    },
    onHeaders(statusCode, raw, resume) {
      if (settled) return false;
      answer = new UpstreamAnswer(statusCode, headersOf(raw), resume);
      events.response(answer);
      return !settled;
    },
    onData(chunk) {
      return answer && !settled ? answer.data(chunk) : false;
    },
    onComplete() {
      settle(null);
    },
    onError(err) {
      // As Node's http client does, a failure is reported on the next tick, never inside the call that caused it
      // (destroy() from a tap's own handler).
      process.nextTick(settle, upstreamError(err, o.idleMs));
    },
  };
  const call: UpstreamCall = {
    destroy() {
      if (destroyed || settled) return;
      destroyed = true;
      if (abort) abort();
      else {
        // Not connected yet: nothing upstream to stop; the exchange ends here.
        process.nextTick(settle, new Error('aborted'));
      }
    },
  };
  if (!events.opened(call)) return call;
  try {
    dispatcher.dispatch(
      { origin: o.origin, method: o.method as Dispatcher.HttpMethod, path: o.path, headers: o.headers as Record<string, string>, body: o.body, headersTimeout: o.idleMs, bodyTimeout: o.idleMs },
      handler,
    );
  } catch (err) {
    // undici reports a request it cannot send through onError; anything thrown is the same kind of refusal.
    process.nextTick(settle, new UnsendableRequestError(err instanceof Error ? err.message : String(err)));
  }
  return call;
}
