import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

export class BodyTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`the request body stalled for ${Math.round(ms / 1000)} s`);
  }
}

/** A body that sends nothing for this long is given up on (slow-loris uploads). */
export const BODY_IDLE_MS = 15_000;

/** Reads a request body up to a limit. The request is the client's, so an oversize one is refused early. */
export function readBody(req: IncomingMessage, limit: number, done: (err: Error | null, body: Buffer) => void, idleMs = BODY_IDLE_MS): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    done(new BodyTooLargeError(limit), Buffer.alloc(0));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  let idle: NodeJS.Timeout | null = null;
  const arm = () => {
    if (idle) idle.refresh();
    else idle = setTimeout(() => finish(new BodyTimeoutError(idleMs)), idleMs);
  };
  const finish = (err: Error | null) => {
    if (finished) return;
    finished = true;
    if (idle) clearTimeout(idle);
    req.removeListener('data', onData);
    done(err, err ? Buffer.alloc(0) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  };
  const onData = (c: Buffer) => {
    arm();
    size += c.length;
    if (size > limit) {
      finish(new BodyTooLargeError(limit));
      return;
    }
    chunks.push(c);
  };
  arm();
  req.on('data', onData);
  // `on`, not `once`: finish runs once anyway, and once() wraps every listener in another closure.
  req.on('end', () => finish(null));
  req.on('error', (e) => finish(e));
  req.on('aborted', () => finish(new Error('client aborted the request')));
}
