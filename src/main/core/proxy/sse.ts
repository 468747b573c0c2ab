import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { StreamMeter } from '../providers/types.js';

/** A frame larger than this is not an LLM event; the tap stops parsing rather than grow without bound. */
const MAX_FRAME = 16 * 1024 * 1024;

export interface SseTap {
  push(chunk: Buffer): void;
}

/**
 * Reads a stream beside the pipe: the client already has each chunk; this only parses a copy into events for
 * the meter. A UTF-8 sequence split across chunks is held by the decoder, never mis-read.
 */
export function createSseTap(meter: StreamMeter, onEvent: () => void): SseTap {
  const decoder = new StringDecoder('utf8');
  let broken = false;
  const parser = createParser({
    maxBufferSize: MAX_FRAME,
    onEvent(ev: EventSourceMessage) {
      meter.onEvent(ev.event, ev.data, '');
      onEvent();
    },
    onError() {
      broken = true;
    },
  });
  return {
    push(chunk) {
      if (broken) return;
      try {
        parser.feed(decoder.write(chunk));
      } catch {
        broken = true;
      }
    },
  };
}

const SEPARATORS = ['\n\n', '\r\n\r\n', '\r\r'];

/** Index just past the first blank line (end of an SSE frame), or -1. */
function frameEnd(text: string, from: number): number {
  let best = -1;
  for (const sep of SEPARATORS) {
    const i = text.indexOf(sep, from);
    if (i !== -1 && (best === -1 || i + sep.length < best)) best = i + sep.length;
  }
  return best;
}

/**
 * Filter mode, used only when Tollgate changed what the stream carries (it asked for a usage chunk the client
 * did not): whole frames are parsed and passed to the meter, which returns what the client gets. A frame is
 * written the moment its terminating blank line arrives, which is the earliest any SSE client could use it.
 */
export function createSseFilter(meter: StreamMeter, write: (text: string) => void, onEvent: () => void): { push(chunk: Buffer): void; flush(): void } {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let captured: EventSourceMessage | null = null;
  const parser = createParser({
    onEvent(ev) {
      captured = ev;
    },
  });
  let passthrough = false;
  return {
    push(chunk) {
      if (passthrough) {
        write(decoder.write(chunk));
        return;
      }
      pending += decoder.write(chunk);
      let start = 0;
      let end: number;
      let out = '';
      while ((end = frameEnd(pending, start)) !== -1) {
        const frame = pending.slice(start, end);
        start = end;
        captured = null;
        parser.feed(frame);
        const ev = captured as EventSourceMessage | null;
        if (ev) {
          out += meter.onEvent(ev.event, ev.data, frame);
          onEvent();
        } else out += frame;
      }
      pending = pending.slice(start);
      if (pending.length > MAX_FRAME) {
        // Not SSE as we know it: stop filtering and hand everything over unchanged.
        out += pending;
        pending = '';
        passthrough = true;
      }
      if (out) write(out);
    },
    flush() {
      const rest = pending + decoder.end();
      pending = '';
      if (rest) write(rest);
    },
  };
}
