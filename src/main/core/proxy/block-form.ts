import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorKind, ProviderModule } from '../providers/types.js';

/** The kinds of refusal that are budget blocks (or the pause), answered in the form each coding tool stops on. */
export function isBlockKind(kind: ErrorKind): kind is 'budget_exceeded' | 'paused' {
  return kind === 'budget_exceeded' || kind === 'paused';
}

/**
 * Codex names itself in every request it sends, over HTTP and on the WebSocket upgrade alike: `originator:
 * codex_exec` / `codex_cli_rs` and a user agent that starts with the same word.
 */
export function isCodex(h: IncomingHttpHeaders): boolean {
  const originator = h.originator;
  const ua = h['user-agent'];
  return (typeof originator === 'string' && /^codex[_-]/i.test(originator)) || (typeof ua === 'string' && /^codex[_-]/i.test(ua));
}

/** OpenAI's error shape with the message first: Codex prints a 400's whole body, so the message must lead. */
export function codexErrorBody(kind: ErrorKind, message: string): string {
  return JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: kind } });
}

export interface BlockForm {
  status: number;
  provider: Pick<ProviderModule, 'errorBody'>;
}

/**
 * How a block is answered. Codex retries a 402 five times (it treats any status it does not know as transient,
 * whatever x-should-retry says) and replaces a quota 429's message with its own words; a 400 it stops on at once
 * and prints. Every other client keeps the 402, which Claude Code and the official SDKs (x-should-retry: false)
 * stop on while showing the message.
 */
export function blockForm(h: IncomingHttpHeaders, status: number, provider: Pick<ProviderModule, 'errorBody'>): BlockForm {
  if (!isCodex(h)) return { status, provider };
  return { status: 400, provider: { errorBody: (_status, kind, message) => codexErrorBody(kind, message) } };
}
