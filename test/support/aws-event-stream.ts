import zlib from 'node:zlib';

/**
 * Builds AWS event-stream messages ("Amazon event stream encoding") by hand, string headers only, as Bedrock
 * sends them: total length, headers length, prelude CRC32, headers, payload, message CRC32.
 */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: Buffer | string): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name);
    const v = Buffer.from(value);
    const h = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
    h.writeUInt8(n.length, 0);
    n.copy(h, 1);
    h.writeUInt8(7, 1 + n.length); // type 7: string
    h.writeUInt16BE(v.length, 2 + n.length);
    v.copy(h, 4 + n.length);
    parts.push(h);
  }
  const hdr = Buffer.concat(parts);
  const body = Buffer.from(payload);
  const total = 12 + hdr.length + body.length + 4;
  const msg = Buffer.alloc(total);
  msg.writeUInt32BE(total, 0);
  msg.writeUInt32BE(hdr.length, 4);
  msg.writeUInt32BE(zlib.crc32(msg.subarray(0, 8)), 8);
  hdr.copy(msg, 12);
  body.copy(msg, 12 + hdr.length);
  msg.writeUInt32BE(zlib.crc32(msg.subarray(0, total - 4)), total - 4);
  return msg;
}

/** A Bedrock-style event: JSON payload under :event-type "chunk". */
export function eventMessage(eventType: string, payload: unknown): Buffer {
  return encodeEventStreamMessage({ ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' }, JSON.stringify(payload));
}
