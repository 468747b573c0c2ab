import type { JsonObject } from '../../util/json.js';
import { isObject, str } from '../../util/json.js';
import { callInfo, clampField, emptyMetered, modelOf, positiveInt } from '../shared.js';
import { createQuotedTest, createTextCounter, stringValue, valueKind } from '../stream-scan.js';
import type { MeteredUsage, Operation, PreparedCall, StreamMeter } from '../types.js';
import { chatUsage, reportedCost, responsesUsage } from './usage.js';

export interface OpenAIOperationOptions {
  /** Ask upstream for the stream's usage chunk when the client did not (and hide it from that client). */
  injectStreamUsage: boolean;
  /** The field an output cap is written to when the request has none: OpenAI's reasoning models reject max_tokens. */
  outputCapField: 'max_completion_tokens' | 'max_tokens';
}

const NOT_PREPARED: PreparedCall = { changed: false, injectedUsage: false };

function setModelInBody(body: JsonObject | null, model: string, path: string) {
  if (body) body.model = model;
  return { body: !!body, path };
}

/** The error event OpenAI's SDK raises from inside a chat stream (it throws on a chunk carrying `error`). */
function chatErrorFrame(message: string): string {
  return `data: ${JSON.stringify({ error: { message, type: 'budget_exceeded', param: null, code: 'budget_exceeded' } })}\n\n`;
}

function askForStreamUsage(body: JsonObject | null, stream: boolean, opts: OpenAIOperationOptions): PreparedCall {
  if (!body || !stream || !opts.injectStreamUsage) return NOT_PREPARED;
  const absent = body.stream_options === undefined;
  const so = isObject(body.stream_options) ? body.stream_options : {};
  if (so.include_usage === true) return NOT_PREPARED;
  body.stream_options = { ...so, include_usage: true };
  return absent ? ASKED_FOR_USAGE : { changed: true, injectedUsage: true };
}

/** A stream request without stream_options: the option is appended to the client's own bytes. */
const ASKED_FOR_USAGE: PreparedCall = Object.freeze({ changed: true, injectedUsage: true, appended: '"stream_options":{"include_usage":true}' });

/** Length of the text a chat or completions chunk carries in any of its choices. */
function choiceText(choices: unknown, field: 'delta' | 'message' | null): number {
  if (!Array.isArray(choices)) return 0;
  let n = 0;
  for (const c of choices) {
    if (!isObject(c)) continue;
    const part = field ? c[field] : c;
    if (!isObject(part)) continue;
    for (const k of ['content', 'text', 'reasoning_content', 'refusal']) {
      const v = part[k];
      if (typeof v === 'string') n += v.length;
    }
    if (Array.isArray(part.tool_calls)) {
      for (const t of part.tool_calls) {
        const args = isObject(t) && isObject(t.function) ? t.function.arguments : null;
        if (typeof args === 'string') n += args.length;
      }
    }
  }
  return n;
}

function fromChatBody(json: unknown, field: 'message' | null): MeteredUsage {
  const m = emptyMetered();
  if (!isObject(json)) return m;
  m.responseModel = str(json.model);
  m.textChars = choiceText(json.choices, field);
  if (isObject(json.usage)) {
    m.usage = chatUsage(json.usage);
    m.reportedCostUsd = reportedCost(json.usage);
    m.complete = true;
  }
  return m;
}

/** Generated text in chat and completion chunks: content, legacy text, reasoning, refusals, tool arguments. */
const chunkTextChars = createTextCounter(['content', 'text', 'reasoning_content', 'refusal', 'arguments']);

/** The frame's line ending, to re-end a frame whose data was rewritten. */
function frameTail(raw: string): string {
  return raw.slice(raw.trimEnd().length) || '\n\n';
}

/**
 * Removes the `"usage":null` field include_usage adds to every chunk, with the comma that joins it, in any
 * spacing a server writes. `at` and `end` locate the field in `data`, which `raw` holds once.
 */
function withoutNullUsage(raw: string, data: string, at: number, end: number): string {
  // OpenAI's own spelling, last in the chunk: one search, no re-scan.
  const usual = raw.indexOf(',"usage":null}');
  if (usual !== -1) return raw.slice(0, usual) + raw.slice(usual + 13);
  // A one-line data field ends where the frame's text does, before its line endings.
  const offset = raw.trimEnd().length - data.length;
  if (offset < 0 || !raw.startsWith(data, offset)) return raw;
  let from = offset + at;
  let to = offset + end;
  let i = from - 1;
  while (i > 0 && (raw.charCodeAt(i) === 32 || raw.charCodeAt(i) === 9)) i--;
  if (raw.charCodeAt(i) === 44) from = i; // the comma before it
  else {
    let j = to;
    while (j < raw.length && (raw.charCodeAt(j) === 32 || raw.charCodeAt(j) === 9)) j++;
    if (raw.charCodeAt(j) === 44) to = j + 1; // or the comma after it
  }
  return raw.slice(0, from) + raw.slice(to);
}

/**
 * Chat and legacy completion streams: usage arrives in one extra chunk with empty `choices` before [DONE].
 * When Tollgate injected include_usage, that chunk is dropped and the `"usage":null` each chunk then carries
 * is removed, so the client gets exactly the stream it asked for. Only a chunk whose `usage` is an object is
 * parsed; text is measured by a string scan (stream-scan.ts).
 */
/** What include_usage adds to every chunk in OpenAI's spelling, last in the chunk (see withoutNullUsage). */
const NULL_USAGE = ',"usage":null';
const NO_USAGE = { kind: 'absent', at: -1, end: -1 } as const;
const hasUsageKey = createQuotedTest('usage');

function chatStreamMeter(prepared: PreparedCall): StreamMeter {
  const m = emptyMetered();
  return {
    injectedField: prepared.injectedUsage ? NULL_USAGE : undefined,
    onEvent(_event, data, raw) {
      if (data === '[DONE]') return raw;
      if (!m.responseModel) m.responseModel = stringValue(data, 'model');
      m.textChars += chunkTextChars(data);
      // Most chunks carry no usage at all: a search for a constant costs less than valueKind building its own.
      const usage = hasUsageKey(data) ? valueKind(data, 'usage') : NO_USAGE;
      if (usage.kind !== 'object') {
        return prepared.injectedUsage && usage.kind === 'null' ? withoutNullUsage(raw, data, usage.at, usage.end) : raw;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        return raw;
      }
      if (!isObject(chunk) || !isObject(chunk.usage)) return raw;
      m.usage = chatUsage(chunk.usage);
      m.reportedCostUsd = reportedCost(chunk.usage) ?? m.reportedCostUsd;
      m.complete = true;
      if (!prepared.injectedUsage) return raw;
      if (!Array.isArray(chunk.choices) || chunk.choices.length === 0) return '';
      // Usage on a chunk that also carries choices (some compatible servers): the client keeps the choices only.
      delete chunk.usage;
      return `data: ${JSON.stringify(chunk)}${frameTail(raw)}`;
    },
    result: () => m,
  };
}

export function chatCompletions(opts: OpenAIOperationOptions): Operation {
  return {
    name: 'chat.completions',
    metered: true,
    jsonBody: true,
    inspect(body) {
      const max = positiveInt(body?.max_completion_tokens) ?? positiveInt(body?.max_tokens);
      return callInfo(modelOf(body), body?.stream === true, max, () => [body?.messages, body?.tools]);
    },
    prepare: (body, call) => askForStreamUsage(body, call.stream, opts),
    usageFromBody: (json) => fromChatBody(json, 'message'),
    createStreamMeter: (prepared) => chatStreamMeter(prepared),
    streamErrorFrame: chatErrorFrame,
    setModel: setModelInBody,
    clampOutput(body, max) {
      if (body && typeof body.max_completion_tokens === 'number') return clampField(body, 'max_completion_tokens', max);
      if (body && typeof body.max_tokens === 'number') return clampField(body, 'max_tokens', max);
      return clampField(body, opts.outputCapField, max);
    },
  };
}

export function legacyCompletions(opts: OpenAIOperationOptions): Operation {
  return {
    name: 'completions',
    metered: true,
    jsonBody: true,
    inspect: (body) => callInfo(modelOf(body), body?.stream === true, positiveInt(body?.max_tokens), () => body?.prompt),
    prepare: (body, call) => askForStreamUsage(body, call.stream, opts),
    usageFromBody: (json) => fromChatBody(json, null),
    createStreamMeter: (prepared) => chatStreamMeter(prepared),
    streamErrorFrame: chatErrorFrame,
    setModel: setModelInBody,
    clampOutput: (body, max) => clampField(body, 'max_tokens', max),
  };
}

export function embeddings(): Operation {
  return {
    name: 'embeddings',
    metered: true,
    jsonBody: true,
    inspect: (body) => callInfo(modelOf(body), false, 0, () => body?.input),
    prepare: () => NOT_PREPARED,
    usageFromBody(json) {
      const m = emptyMetered();
      if (!isObject(json)) return m;
      m.responseModel = str(json.model);
      if (isObject(json.usage)) {
        m.usage = { ...chatUsage(json.usage), outputTokens: 0 };
        m.reportedCostUsd = reportedCost(json.usage);
        m.complete = true;
      }
      return m;
    },
    createStreamMeter: () => ({ onEvent: (_e, _d, raw) => raw, result: emptyMetered }),
    streamErrorFrame: () => null,
    setModel: setModelInBody,
    clampOutput: () => false,
  };
}

const deltaChars = createTextCounter(['delta']);
const RESPONSE_TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** The Responses API (Codex): usage rides on the terminal event, whichever of the three it is. */
export function responses(): Operation {
  return {
    name: 'responses',
    metered: true,
    jsonBody: true,
    inspect: (body) =>
      callInfo(modelOf(body), body?.stream === true, positiveInt(body?.max_output_tokens), () => [body?.instructions, body?.input, body?.tools]),
    prepare: () => NOT_PREPARED,
    usageFromBody(json) {
      const m = emptyMetered();
      if (!isObject(json)) return m;
      m.responseModel = str(json.model);
      m.upstreamId = str(json.id);
      if (isObject(json.usage)) {
        m.usage = responsesUsage(json.usage);
        m.reportedCostUsd = reportedCost(json.usage);
        m.complete = true;
      }
      return m;
    },
    createStreamMeter() {
      const m = emptyMetered();
      return {
        onEvent(event, data, raw) {
          // Deltas are nearly every event: their text is measured by a scan; only lifecycle events are parsed.
          const type = event ?? stringValue(data, 'type') ?? '';
          if (type.endsWith('.delta')) {
            m.textChars += deltaChars(data);
            return raw;
          }
          if (!RESPONSE_TERMINAL.has(type) && type !== 'response.created') return raw;
          let ev: unknown;
          try {
            ev = JSON.parse(data);
          } catch {
            return raw;
          }
          if (!isObject(ev) || !isObject(ev.response)) return raw;
          m.responseModel = str(ev.response.model) ?? m.responseModel;
          m.upstreamId = str(ev.response.id) ?? m.upstreamId;
          if (RESPONSE_TERMINAL.has(type)) {
            if (isObject(ev.response.usage)) {
              m.usage = responsesUsage(ev.response.usage);
              m.reportedCostUsd = reportedCost(ev.response.usage);
            }
            m.complete = true;
          }
          return raw;
        },
        result: () => m,
      };
    },
    streamErrorFrame: (message) =>
      `event: error\ndata: ${JSON.stringify({ type: 'error', code: 'budget_exceeded', message, param: null })}\n\n`,
    setModel: setModelInBody,
    clampOutput: (body, max) => clampField(body, 'max_output_tokens', max),
  };
}
