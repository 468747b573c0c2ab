import type { OtlpTypes } from './proto.js';

export type OtlpSignal = 'metrics' | 'logs';
export type OtlpEncoding = 'json' | 'protobuf';

/** A body that is not a request of the signal's type: answered 400, as OTLP/HTTP asks for a malformed request. */
export class OtlpDecodeError extends Error {}

/** OTLP/HTTP's two content types (the spec's http/json and http/protobuf); anything else is refused with 415. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | null {
  const t = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (t === 'application/json') return 'json';
  if (t === 'application/x-protobuf') return 'protobuf';
  return null;
}

/**
 * The request as a plain object in OTLP/JSON's shape (lowerCamelCase names, 64-bit integers as strings), whichever
 * encoding it came in. Protobuf goes through protobufjs with the schema in proto.ts; nothing is decoded by hand.
 */
export function decodeOtlp(types: OtlpTypes, signal: OtlpSignal, enc: OtlpEncoding, body: Buffer): unknown {
  if (enc === 'json') {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new OtlpDecodeError(`the body is not JSON (${(err as Error).message})`);
    }
  }
  const type = signal === 'metrics' ? types.metricsRequest : types.logsRequest;
  try {
    const msg = type.decode(body);
    return type.toObject(msg, { longs: String, enums: Number, bytes: String, defaults: false, arrays: true, oneofs: false });
  } catch (err) {
    throw new OtlpDecodeError(`the body is not a protobuf ${type.name} (${(err as Error).message})`);
  }
}

/** A reply body in the request's encoding: JSON for http/json, the protobuf message for http/protobuf. */
export function encodeReply(types: OtlpTypes, enc: OtlpEncoding, kind: OtlpSignal | 'status', value: Record<string, unknown>): Buffer {
  if (enc === 'json') return Buffer.from(JSON.stringify(value));
  const type = kind === 'status' ? types.status : kind === 'metrics' ? types.metricsResponse : types.logsResponse;
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}
