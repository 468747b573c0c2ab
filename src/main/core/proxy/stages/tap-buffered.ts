import type { MeteredUsage } from '../../providers/types.js';
import { createDecodedBody } from '../framing/decoded-body.js';
import { markTooLarge, onUpstreamBreak, responseHeaders, type Tap } from './tap-shared.js';

function parseUsage(t: Tap, text: string | null): MeteredUsage | null {
  if (text === null) return null;
  try {
    return t.plan.op.usageFromBody(JSON.parse(text));
  } catch {
    return null; // not JSON: recorded with estimated usage
  }
}

/**
 * Non-streamed answers: whole bodies, so the cost can go in a header before the body. The client gets the
 * upstream's bytes unchanged (compressed, if the upstream compressed despite being asked not to); usage is read
 * from a decoded copy.
 */
export function tapBuffered(t: Tap): void {
  const { plan, out, upRes } = t;
  const encoding = upRes.headers['content-encoding'];
  const identity = encoding === undefined || encoding === 'identity';
  // Only an encoded answer needs a second, decoded copy; an identity one is read from the bytes kept anyway.
  const decoded = identity || out.status >= 400 ? null : createDecodedBody(encoding, t.decodeCap);
  const chunks: Buffer[] = [];
  upRes.on('data', (c: Buffer) => {
    chunks.push(c);
    decoded?.push(c);
  });
  upRes.on('end', () => {
    if (out.done) return;
    // A small answer usually arrives in one chunk: sent on as it is, not copied.
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const respond = (m: MeteredUsage | null, overCap: boolean) => {
      if (out.done) return;
      if (out.status >= 400) out.flags.push('error');
      const settled = t.recorder.settle(plan, out, m, out.status >= 400);
      if (overCap) markTooLarge(out);
      const headers = responseHeaders(t);
      if (settled.quote.costUsd !== null) headers['x-tollgate-cost-usd'] = settled.quote.costUsd.toFixed(9);
      else if (out.flags.includes('unpriced')) headers['x-tollgate-unpriced'] = 'true';
      headers['content-length'] = body.length;
      plan.res.writeHead(out.status, headers);
      // Recorded (and in the history database) before the answer's last byte leaves: a crash after the client
      // has its answer can no longer lose the record.
      t.recorder.finish(plan, out, m, settled);
      t.recorder.end(plan.res, body);
    };
    if (out.status >= 400) respond(null, false);
    else if (!decoded) respond(parseUsage(t, body.toString('utf8')), false);
    else decoded.end((text, overCap) => respond(parseUsage(t, text), overCap));
  });
  onUpstreamBreak(t);
}
