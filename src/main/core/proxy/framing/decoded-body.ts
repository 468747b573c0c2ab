import zlib from 'node:zlib';

/** The most of an answer's decoded body Tollgate holds to read its usage: usage objects are a few hundred bytes. */
export const DECODE_CAP_BYTES = 32 * 1024 * 1024;

export interface DecodedBody {
  push(chunk: Buffer): void;
  /** The decoded text, or null when it could not be decoded or was larger than the cap. */
  end(done: (text: string | null, overCap: boolean) => void): void;
}

function inflaterFor(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}

/**
 * A copy of an answer's body, decoded as it arrives and kept only up to `cap` bytes. Tollgate asks upstream for
 * identity, but an upstream may compress anyway; a 1 MB gzip can inflate to gigabytes, so it is inflated as a
 * stream and given up on at the cap, never inflated whole. The client's bytes are not touched by any of this.
 */
export function createDecodedBody(encoding: string | undefined, cap: number): DecodedBody {
  const chunks: Buffer[] = [];
  let size = 0;
  let overCap = false;
  const keep = (c: Buffer) => {
    if (overCap) return;
    size += c.length;
    if (size > cap) {
      overCap = true;
      chunks.length = 0;
    } else chunks.push(c);
  };
  const text = () => (overCap ? null : Buffer.concat(chunks, size).toString('utf8'));

  if (encoding === undefined || encoding === 'identity') {
    return { push: keep, end: (done) => done(text(), overCap) };
  }
  const inflater = inflaterFor(encoding);
  if (!inflater) return { push() {}, end: (done) => done(null, false) };
  let failed = false;
  let settled: ((t: string | null, over: boolean) => void) | null = null;
  let finished = false;
  const finish = () => {
    if (finished || !settled) return;
    finished = true;
    settled(failed ? null : text(), overCap);
  };
  inflater.on('data', (c: Buffer) => {
    keep(c);
    // Past the cap nothing more is read: stop inflating rather than burn CPU on bytes nobody keeps.
    if (overCap) inflater.destroy();
  });
  inflater.on('error', () => {
    failed = true;
    finish();
  });
  inflater.on('end', finish);
  inflater.on('close', finish);
  return {
    push(c) {
      if (!overCap && !failed && !inflater.destroyed) inflater.write(c);
    },
    end(done) {
      settled = done;
      if (overCap || failed || inflater.destroyed) finish();
      else inflater.end();
    },
  };
}
