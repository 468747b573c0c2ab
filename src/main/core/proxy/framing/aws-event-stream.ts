import zlib from 'node:zlib';

/**
 * AWS's binary event-stream framing ("Amazon event stream encoding", used by Bedrock's streaming APIs and
 * Transcribe): each message is
 *   total length (uint32 BE) | headers length (uint32 BE) | prelude CRC32 (of the 8 bytes before it)
 *   | headers | payload | message CRC32 (of every byte before it)
 * and a header is name length (uint8), name, value type (uint8), value.
 */

export type HeaderValue = boolean | number | bigint | string | Buffer;

export interface EventStreamMessage {
  headers: Record<string, HeaderValue>;
  payload: Buffer;
}

const PRELUDE = 12;
const MIN_MESSAGE = PRELUDE + 4;
/** AWS caps a message at 16 MB of payload plus 128 KB of headers; anything larger is not this framing. */
const MAX_MESSAGE = 16 * 1024 * 1024 + 128 * 1024 + MIN_MESSAGE;

export class EventStreamError extends Error {}

function readHeaders(buf: Buffer, start: number, end: number): Record<string, HeaderValue> {
  const out: Record<string, HeaderValue> = {};
  let i = start;
  const need = (n: number) => {
    if (i + n > end) throw new EventStreamError('a header runs past the headers section');
  };
  while (i < end) {
    need(1);
    const nameLen = buf[i]!;
    i += 1;
    need(nameLen + 1);
    const name = buf.toString('utf8', i, i + nameLen);
    i += nameLen;
    const type = buf[i]!;
    i += 1;
    let value: HeaderValue;
    switch (type) {
      case 0:
        value = true;
        break;
      case 1:
        value = false;
        break;
      case 2:
        need(1);
        value = buf.readInt8(i);
        i += 1;
        break;
      case 3:
        need(2);
        value = buf.readInt16BE(i);
        i += 2;
        break;
      case 4:
        need(4);
        value = buf.readInt32BE(i);
        i += 4;
        break;
      case 5:
      case 8: // timestamp: milliseconds since the epoch, as an int64
        need(8);
        value = buf.readBigInt64BE(i);
        i += 8;
        break;
      case 6:
      case 7: {
        need(2);
        const len = buf.readUInt16BE(i);
        i += 2;
        need(len);
        value = type === 7 ? buf.toString('utf8', i, i + len) : Buffer.from(buf.subarray(i, i + len));
        i += len;
        break;
      }
      case 9:
        need(16);
        value = Buffer.from(buf.subarray(i, i + 16));
        i += 16;
        break;
      default:
        throw new EventStreamError(`unknown header value type ${type}`);
    }
    out[name] = value;
  }
  return out;
}

/** Decodes one whole message (exactly `total` bytes), checking both CRCs. */
export function decodeMessage(frame: Buffer): EventStreamMessage {
  const total = frame.readUInt32BE(0);
  const headersLen = frame.readUInt32BE(4);
  if (total !== frame.length) throw new EventStreamError(`message length ${total} does not match the ${frame.length} bytes given`);
  if (zlib.crc32(frame.subarray(0, 8)) !== frame.readUInt32BE(8)) throw new EventStreamError('prelude CRC mismatch');
  if (PRELUDE + headersLen + 4 > total) throw new EventStreamError('headers longer than the message');
  if (zlib.crc32(frame.subarray(0, total - 4)) !== frame.readUInt32BE(total - 4)) throw new EventStreamError('message CRC mismatch');
  return { headers: readHeaders(frame, PRELUDE, PRELUDE + headersLen), payload: frame.subarray(PRELUDE + headersLen, total - 4) };
}

export interface EventStreamDecoder {
  /** Feeds bytes as they arrive; messages may be split across chunks anywhere. */
  push(chunk: Buffer): void;
  /** Set once a frame failed its checks: nothing after it can be trusted to be framed right. */
  readonly error: EventStreamError | null;
}

export function createEventStreamDecoder(onMessage: (m: EventStreamMessage) => void): EventStreamDecoder {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  // Bytes the next step needs: the prelude, then the whole message it announces.
  let need = PRELUDE;
  let error: EventStreamError | null = null;

  const drain = () => {
    // Joined only once enough bytes are here, so a large message split into many chunks is copied once.
    let buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingLen);
    let at = 0;
    while (buf.length - at >= PRELUDE) {
      const total = buf.readUInt32BE(at);
      if (total < MIN_MESSAGE || total > MAX_MESSAGE) throw new EventStreamError(`implausible message length ${total}`);
      if (zlib.crc32(buf.subarray(at, at + 8)) !== buf.readUInt32BE(at + 8)) throw new EventStreamError('prelude CRC mismatch');
      if (buf.length - at < total) {
        need = total;
        break;
      }
      onMessage(decodeMessage(buf.subarray(at, at + total)));
      at += total;
      need = PRELUDE;
    }
    buf = buf.subarray(at);
    pending = buf.length ? [buf] : [];
    pendingLen = buf.length;
    if (buf.length < PRELUDE) need = PRELUDE;
  };

  return {
    push(chunk) {
      if (error || chunk.length === 0) return;
      pending.push(chunk);
      pendingLen += chunk.length;
      if (pendingLen < need) return;
      try {
        drain();
      } catch (err) {
        error = err instanceof EventStreamError ? err : new EventStreamError((err as Error).message);
        pending = [];
        pendingLen = 0;
      }
    },
    get error() {
      return error;
    },
  };
}
