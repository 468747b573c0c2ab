import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createEventStreamDecoder, decodeMessage, type EventStreamMessage } from '../../../../../src/main/core/proxy/framing/aws-event-stream.js';
import { encodeEventStreamMessage, eventMessage } from '../../../../support/aws-event-stream.js';

const payloads = (ms: EventStreamMessage[]) => ms.map((m) => m.payload.toString('utf8'));

describe('AWS event-stream decoder', () => {
  const a = eventMessage('chunk', { text: 'héllo' });
  const b = eventMessage('chunk', { usage: { input: 3, output: 7 } });
  const c = encodeEventStreamMessage({ ':event-type': 'end' }, '');
  const stream = Buffer.concat([a, b, c]);

  it('decodes a message with typed headers and its payload', () => {
    const m = decodeMessage(a);
    expect(m.headers).toEqual({ ':event-type': 'chunk', ':content-type': 'application/json', ':message-type': 'event' });
    expect(JSON.parse(m.payload.toString('utf8'))).toEqual({ text: 'héllo' });
  });

  it('reads every non-string header type of the spec', () => {
    // name "b" type 0 (true), "s" type 3 (int16 -2), "i" type 4 (int32 70000), "l" type 5 (int64), "x" type 6 (bytes)
    const hdr = Buffer.concat([
      Buffer.from([1, 0x62, 0]),
      Buffer.from([1, 0x73, 3, 0xff, 0xfe]),
      Buffer.from([1, 0x69, 4, 0x00, 0x01, 0x11, 0x70]),
      Buffer.from([1, 0x6c, 5, 0, 0, 0, 0, 0, 0, 0, 42]),
      Buffer.from([1, 0x78, 6, 0, 2, 0xca, 0xfe]),
    ]);
    const total = 12 + hdr.length + 4;
    const msg = Buffer.alloc(total);
    msg.writeUInt32BE(total, 0);
    msg.writeUInt32BE(hdr.length, 4);
    msg.writeUInt32BE(zlib.crc32(msg.subarray(0, 8)), 8);
    hdr.copy(msg, 12);
    msg.writeUInt32BE(zlib.crc32(msg.subarray(0, total - 4)), total - 4);
    const m = decodeMessage(msg);
    expect(m.headers).toEqual({ b: true, s: -2, i: 70000, l: 42n, x: Buffer.from([0xca, 0xfe]) });
    expect(m.payload.length).toBe(0);
  });

  it('gives the same messages however the bytes are split: at every offset, and one byte at a time', () => {
    const whole: EventStreamMessage[] = [];
    createEventStreamDecoder((m) => whole.push(m)).push(stream);
    expect(payloads(whole)).toEqual([JSON.stringify({ text: 'héllo' }), JSON.stringify({ usage: { input: 3, output: 7 } }), '']);
    for (let at = 1; at < stream.length; at++) {
      const got: EventStreamMessage[] = [];
      const d = createEventStreamDecoder((m) => got.push(m));
      d.push(stream.subarray(0, at));
      d.push(stream.subarray(at));
      expect(payloads(got), `split at ${at}`).toEqual(payloads(whole));
      expect(d.error).toBeNull();
    }
    const got: EventStreamMessage[] = [];
    const d = createEventStreamDecoder((m) => got.push(m));
    for (let i = 0; i < stream.length; i++) d.push(stream.subarray(i, i + 1));
    expect(payloads(got)).toEqual(payloads(whole));
  });

  it('stops at a message whose CRC is wrong, keeping what came before', () => {
    const bad = Buffer.from(b);
    bad[bad.length - 6]! ^= 0xff; // a payload byte: the message CRC no longer matches
    const got: EventStreamMessage[] = [];
    const d = createEventStreamDecoder((m) => got.push(m));
    d.push(Buffer.concat([a, bad, c]));
    expect(payloads(got)).toEqual([JSON.stringify({ text: 'héllo' })]);
    expect(d.error?.message).toBe('message CRC mismatch');
    d.push(c); // nothing after a broken frame is trusted
    expect(got).toHaveLength(1);
  });

  it('rejects a corrupted prelude before waiting for the length it claims', () => {
    const bad = Buffer.from(a);
    bad.writeUInt32BE(bad.readUInt32BE(0) + 1000, 0); // a longer length, prelude CRC unchanged
    const d = createEventStreamDecoder(() => {});
    d.push(bad.subarray(0, 12));
    expect(d.error?.message).toBe('prelude CRC mismatch');
    expect(() => decodeMessage(Buffer.concat([a.subarray(0, 8), Buffer.alloc(4), a.subarray(12)]))).toThrow('prelude CRC mismatch');
  });
});
