import { StringDecoder } from 'node:string_decoder';
import type { MeteredUsage, Operation, PreparedCall, StreamMeter } from '../providers/types.js';

/** A frame larger than this is not an LLM event; the reader stops parsing rather than grow without bound. */
const MAX_FRAME = 16 * 1024 * 1024;

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
const CLOSE_BRACE = 125;

/**
 * Receives each frame: its event type, its data (null when it had no data line) and its exact text. `tail`
 * marks the LF of a CRLF whose CR ended the previous frame at the end of a chunk: it belongs to that frame.
 */
type OnFrame = (event: string | undefined, data: string | null, raw: string, tail?: boolean) => void;

interface SseScanner {
  /** False once a frame grew past the limit: the caller stops reading the stream as SSE. */
  feed(text: string): boolean;
  /** The stream ended: a last frame without its blank line is still handed over, and what is left returned. */
  end(): void;
  /** Text received but not yet part of a whole frame. */
  pending(): string;
  /** Whether every character received so far belongs to a frame already handed over. */
  idle(): boolean;
}

/**
 * An SSE reader that follows the WHATWG HTML specification's "event stream interpretation"
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation): lines end in
 * CRLF, LF or CR, in any mix (`\n\r\n` and `\r\r` end frames as surely as `\n\n`), a blank line dispatches, a
 * leading colon marks a comment and one space after a field's colon is dropped. Each frame's exact text is
 * kept so a filter can pass it on unchanged.
 */
function createSseScanner(onFrame: OnFrame, maxFrame = MAX_FRAME): SseScanner {
  let buf = '';
  let pos = 0; // start of the first line not yet read
  let frameStart = 0;
  let event: string | undefined;
  let data: string | null = null;
  // A CR ended the last chunk: if the next one starts with LF, that LF belongs to the same line ending.
  let skipLF = false;

  // Reads the line buf[start, end) in place: one slice for a data or event value, none for anything else.
  function field(start: number, end: number) {
    if (buf.charCodeAt(start) === COLON) return;
    let c = buf.indexOf(':', start);
    if (c === -1 || c > end) c = end;
    const name = c - start;
    const isData = name === 4 && buf.startsWith('data', start);
    if (!isData && !(name === 5 && buf.startsWith('event', start))) return;
    let v = c + 1;
    if (v < end && buf.charCodeAt(v) === SPACE) v++;
    const value = v >= end ? '' : buf.slice(v, end);
    if (isData) data = data === null ? value : `${data}\n${value}`;
    else event = value;
  }

  function dispatch(end: number) {
    const raw = buf.slice(frameStart, end);
    frameStart = end;
    const ev = event;
    const d = data;
    event = undefined;
    data = null;
    onFrame(ev === '' ? undefined : ev, d, raw);
  }

  return {
    feed(text) {
      if (frameStart > 0) {
        buf = buf.slice(frameStart);
        pos -= frameStart;
        frameStart = 0;
      }
      buf += text;
      if (skipLF && pos < buf.length) {
        skipLF = false;
        if (buf.charCodeAt(pos) === LF) {
          pos++;
          if (frameStart === pos - 1) {
            frameStart = pos;
            onFrame(undefined, null, '\n', true);
          }
        }
      }
      let cr = -2; // next CR at or after pos; -1 when there is none
      while (pos < buf.length) {
        const nl = buf.indexOf('\n', pos);
        if (cr !== -1 && cr < pos) cr = buf.indexOf('\r', pos);
        const end = nl === -1 ? cr : cr === -1 ? nl : Math.min(nl, cr);
        if (end === -1) break;
        let next = end + 1;
        if (buf.charCodeAt(end) === CR) {
          if (next < buf.length) {
            if (buf.charCodeAt(next) === LF) next++;
          } else skipLF = true;
        }
        const empty = end === pos;
        if (!empty) field(pos, end);
        pos = next;
        if (empty) dispatch(next);
      }
      return buf.length - frameStart <= maxFrame;
    },
    end() {
      if (pos < buf.length) {
        field(pos, buf.length);
        pos = buf.length;
      }
      if (frameStart < buf.length) dispatch(buf.length);
      buf = '';
      pos = 0;
      frameStart = 0;
    },
    pending: () => buf.slice(frameStart),
    idle: () => frameStart === buf.length,
  };
}

export interface SseTap {
  push(chunk: Buffer): void;
  /** The stream ended: meter a last frame that came without its blank line. */
  end(): void;
}

/**
 * Reads a stream beside the pipe: the client already has each chunk; this only parses a copy into events for
 * the meter. A UTF-8 sequence split across chunks is held by the decoder, never mis-read.
 */
export function createSseTap(meter: StreamMeter, onEvent: () => void): SseTap {
  const decoder = new StringDecoder('utf8');
  let broken = false;
  const scanner = createSseScanner((event, data, raw) => {
    if (data === null) return;
    meter.onEvent(event, data, raw);
    onEvent();
  });
  return {
    push(chunk) {
      if (!broken && !scanner.feed(decoder.write(chunk))) broken = true;
    },
    end() {
      if (broken) return;
      scanner.feed(decoder.end());
      scanner.end();
    },
  };
}

/** `text` without each `field` that an object's closing brace follows; the same string when it has none. */
function cutField(text: string, field: string): string {
  let i = text.indexOf(field);
  if (i === -1) return text;
  let out = '';
  let from = 0;
  while (i !== -1) {
    const next = i + field.length;
    if (text.charCodeAt(next) === CLOSE_BRACE) {
      out += text.slice(from, i);
      from = next;
    }
    i = text.indexOf(field, next);
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * The shape a stream's first bytes show, without decoding them: 'unknown' when they hold only ASCII
 * whitespace or start with a byte past ASCII (which may be Unicode whitespace: the text test decides).
 */
function shapeOf(chunk: Buffer): 'unknown' | 'sse' | 'json' {
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk[i]!;
    if (c === SPACE || c === LF || c === CR || c === 9 || c === 11 || c === 12) continue;
    if (c >= 0x80) return 'unknown';
    return c === 123 || c === 91 ? 'json' : 'sse';
  }
  return 'unknown';
}

/**
 * Filter mode, used only when Tollgate changed what the stream carries (it asked for a usage chunk the client
 * did not): whole frames are parsed and passed to the meter, which returns what the client gets. A frame is
 * written the moment its terminating blank line arrives, which is the earliest any SSE client could use it.
 *
 * The common chunk is cheap: the field the injection adds (`StreamMeter.injectedField`) is cut out of its bytes
 * first (one string search), and when nothing was cut, the meter passes every frame unchanged and the chunk
 * ends where a frame does, the client gets the chunk's own bytes rather than re-encoded text.
 */
export function createSseFilter(
  meter: StreamMeter,
  write: (data: Buffer | string) => void,
  onEvent: () => void,
): { push(chunk: Buffer): void; flush(): void } {
  const decoder = new StringDecoder('utf8');
  let out = '';
  let dropped = false;
  let changed = false;
  const scanner = createSseScanner((event, data, raw, tail) => {
    if (tail) {
      if (!dropped) out += raw;
      else changed = true;
      return;
    }
    if (data === null) {
      out += raw; // comments, blank lines and field-only frames pass as they came
      dropped = false;
      return;
    }
    const text = meter.onEvent(event, data, raw);
    dropped = text === '';
    if (text !== raw) changed = true;
    out += text;
    onEvent();
  });
  let passthrough = false;
  // A server that ignored `stream: true` answers one JSON body: it passes unchanged and is metered whole.
  let shape: 'unknown' | 'sse' | 'json' = 'unknown';
  let whole = '';
  // Everything received so far has been written, and the decoder holds no part of a character.
  let aligned = true;
  const emit = () => {
    if (out) write(out);
    out = '';
  };
  return {
    push(input) {
      if (passthrough) {
        write(decoder.write(input));
        return;
      }
      if (input.length === 0) return;
      if (shape === 'unknown' && whole === '') shape = shapeOf(input);
      const decoded = decoder.write(input);
      let text = shape === 'sse' && meter.injectedField ? cutField(decoded, meter.injectedField) : decoded;
      if (shape === 'unknown') {
        const first = /\S/.exec(whole + text);
        if (!first) {
          whole += text;
          aligned = false;
          return;
        }
        shape = first[0] === '{' || first[0] === '[' ? 'json' : 'sse';
        text = whole + text;
        whole = '';
      }
      if (shape === 'json') {
        if (whole.length <= MAX_FRAME) whole += text;
        write(text);
        return;
      }
      changed = false;
      if (!scanner.feed(text)) {
        // Not SSE as we know it: stop filtering and hand everything over unchanged.
        out += scanner.pending();
        passthrough = true;
        emit();
        return;
      }
      const wasAligned = aligned;
      aligned = scanner.idle() && input[input.length - 1]! < 0x80;
      if (wasAligned && aligned && !changed && text === decoded) {
        out = '';
        write(input);
        return;
      }
      emit();
    },
    flush() {
      const rest = decoder.end();
      if (passthrough || shape === 'json') {
        if (rest) write(rest);
        if (shape === 'json') {
          meter.onEvent(undefined, whole + rest, whole + rest);
          onEvent();
        }
        return;
      }
      if (shape === 'unknown') {
        if (whole + rest) write(whole + rest);
        return;
      }
      // A last frame without its blank line is still read (its usage is real) and still filtered.
      scanner.feed(rest);
      scanner.end();
      emit();
    },
  };
}

/**
 * A stream answered under another content type (SSE labelled application/json), read whole at its end: as
 * JSON when it is JSON, else as SSE frames through the operation's stream meter.
 */
export function usageFromStreamCopy(op: Operation, prepared: PreparedCall, text: string): MeteredUsage | null {
  try {
    return op.usageFromBody(JSON.parse(text));
  } catch {
    if (!/^(data|event|id|retry):|^:/m.test(text)) return null;
    const meter = op.createStreamMeter(prepared);
    const scanner = createSseScanner((event, data, raw) => {
      if (data !== null) meter.onEvent(event, data, raw);
    });
    scanner.feed(text);
    scanner.end();
    return meter.result();
  }
}
