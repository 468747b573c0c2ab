import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzip } from 'node:zlib';
import type { ResolvedKey } from '../keys/key-ring.js';
import { WRAPPED_PREFIX } from '../keys/key-ring.js';
import { BodyTooLargeError, readBody } from '../proxy/body.js';
import { decodeOtlp, encodeReply, encodingOf, OtlpDecodeError, type OtlpEncoding, type OtlpSignal } from './decode.js';
import type { Sender, TelemetryIntake } from './intake.js';
import type { OtlpTypes } from './proto.js';
import { logEvents, metricPoints } from './shape.js';

/** A batch of Claude Code events is a few kB; exporters split large batches (the JS exporters at 512 records). */
export const OTLP_MAX_BODY = 4 * 1024 * 1024;
/** What a gzip body may inflate to: a small compressed body must not become a large one in memory. */
export const OTLP_MAX_INFLATED = 16 * 1024 * 1024;

const PATHS: Record<string, OtlpSignal> = { '/otlp/v1/metrics': 'metrics', '/otlp/v1/logs': 'logs' };

export interface OtlpHttpDeps {
  intake: TelemetryIntake;
  types: () => OtlpTypes;
  keys: { identify(secret: string, provider: string, subscription: boolean, now: number): ResolvedKey | null };
  now: () => number;
  bodyIdleTimeoutMs?: number;
  maxBody?: number;
}

/** The Tollgate key from `OTEL_EXPORTER_OTLP_HEADERS`: `Authorization=Bearer tg_…` or `x-tollgate-key=tg_…`. */
function presentedKey(req: IncomingMessage): string | null {
  const x = req.headers['x-tollgate-key'];
  if (typeof x === 'string' && x.trim()) return x.trim();
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1]!;
  }
  return null;
}

/**
 * OTLP/HTTP on Tollgate's own port: POST /otlp/v1/metrics and /otlp/v1/logs, http/json or http/protobuf, gzip or
 * not. Answers as the OTLP specification asks: 200 with the service's response message (partial_success when
 * points were rejected), and errors as a google.rpc.Status in the request's encoding. Every request needs a
 * Tollgate key (tg_…), checked before the body is read; the data is never forwarded or metered as a model call.
 */
export function createOtlpHttp(d: OtlpHttpDeps): (req: IncomingMessage, res: ServerResponse, path: string) => void {
  const limit = d.maxBody ?? OTLP_MAX_BODY;
  const reply = (res: ServerResponse, enc: OtlpEncoding, status: number, kind: OtlpSignal | 'status', body: Record<string, unknown>) => {
    const buf = encodeReply(d.types(), enc, kind, body);
    res.writeHead(status, { 'content-type': enc === 'json' ? 'application/json' : 'application/x-protobuf', 'content-length': buf.length });
    res.end(buf);
  };
  const fail = (res: ServerResponse, enc: OtlpEncoding, status: number, message: string, headers: Record<string, string> = {}) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    // A client that sent a body Tollgate will not read gets the connection closed, not a drained upload.
    if (status === 401 || status === 413 || status === 415) res.setHeader('connection', 'close');
    // google.rpc.Code: 3 INVALID_ARGUMENT, 16 UNAUTHENTICATED, 5 NOT_FOUND, 12 UNIMPLEMENTED, 8 RESOURCE_EXHAUSTED.
    const code = status === 401 ? 16 : status === 404 ? 5 : status === 413 ? 8 : status === 405 || status === 415 ? 12 : 3;
    reply(res, enc, status, 'status', { code, message });
  };

  return (req, res, path) => {
    const signal = PATHS[path];
    const enc = encodingOf(req.headers['content-type']);
    const answerIn = enc ?? 'json';
    if (!signal) return fail(res, answerIn, 404, `No OTLP endpoint at ${path.slice(0, 100)}: use /otlp/v1/metrics or /otlp/v1/logs.`);
    if (req.method !== 'POST') return fail(res, answerIn, 405, 'OTLP export uses POST.', { allow: 'POST' });
    const secret = presentedKey(req);
    const key = secret?.startsWith(WRAPPED_PREFIX) ? d.keys.identify(secret, 'otlp', false, d.now()) : null;
    if (!key || key.kind !== 'wrapped' || key.revoked) {
      const why = !secret ? 'no Tollgate key was sent' : !key || key.kind !== 'wrapped' ? 'the key is not a Tollgate key Tollgate knows' : `the Tollgate key ${key.label} has been revoked`;
      return fail(res, answerIn, 401, `OTLP export needs a Tollgate key: ${why}. Set OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer tg_…".`);
    }
    if (!enc) return fail(res, 'json', 415, 'Send application/json (http/json) or application/x-protobuf (http/protobuf).');
    const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip') return fail(res, enc, 415, `Content-Encoding ${encoding.slice(0, 40)} is not supported: send gzip or none.`);
    const sender: Sender = { owner: key.owner };
    readBody(
      req,
      limit,
      (err, raw) => {
        if (err) {
          if (err instanceof BodyTooLargeError) return fail(res, enc, 413, `The body exceeds ${limit} bytes; export smaller batches.`);
          return res.destroy();
        }
        const handle = (body: Buffer) => {
          let written: number;
          let rejected = 0;
          try {
            const tree = decodeOtlp(d.types(), signal, enc, body);
            if (signal === 'metrics') {
              const { points, rejected: r } = metricPoints(tree);
              rejected = r;
              written = d.intake.metrics(points, sender);
            } else written = d.intake.events(logEvents(tree), sender);
          } catch (e) {
            if (e instanceof OtlpDecodeError) return fail(res, enc, 400, `Malformed OTLP ${signal} request: ${e.message}`);
            throw e;
          }
          res.setHeader('x-tollgate-recorded', String(written));
          const partial = rejected ? { partialSuccess: { [signal === 'metrics' ? 'rejectedDataPoints' : 'rejectedLogRecords']: rejected, errorMessage: 'data points without a number value were rejected' } } : {};
          reply(res, enc, 200, signal, partial);
        };
        if (encoding !== 'gzip') return handle(raw);
        gunzip(raw, { maxOutputLength: OTLP_MAX_INFLATED }, (zerr, inflated) => {
          if (zerr) {
            const tooBig = (zerr as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
            return tooBig ? fail(res, enc, 413, `The body inflates beyond ${OTLP_MAX_INFLATED} bytes.`) : fail(res, enc, 400, 'The gzip body could not be inflated.');
          }
          handle(inflated);
        });
      },
      d.bodyIdleTimeoutMs,
    );
  };
}
