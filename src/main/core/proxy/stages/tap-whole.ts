import { createDecodedBody } from '../framing/decoded-body.js';
import { usageFromStreamCopy } from '../sse.js';
import { markTooLarge, onUpstreamBreak, responseHeaders, writeThrough, type Tap } from './tap-shared.js';

/**
 * A stream framed as one JSON document (Gemini without alt=sse sends one JSON array): passed through as it
 * arrives, a copy (decoded, up to the cap) read at the end.
 */
export function tapWhole(t: Tap): void {
  const { plan, out, upRes } = t;
  plan.res.writeHead(out.status, responseHeaders(t));
  const copy = createDecodedBody(upRes.headers['content-encoding'], t.decodeCap);
  upRes.on('data', (c: Buffer) => {
    if (out.done) return;
    writeThrough(t, c);
    copy.push(c);
  });
  upRes.on('end', () => {
    if (out.done) return;
    // The answer ends once its record is written (see tap-buffered.ts): the copy is read first.
    copy.end((text, overCap) => {
      let m = null;
      if (text !== null) {
        try {
          // JSON as declared, or SSE frames under another label: read through the operation's stream meter.
          m = usageFromStreamCopy(plan.op, plan.prepared, text);
        } catch {
          m = null; // neither: recorded with estimated usage
        }
      }
      if (!out.done) {
        const settled = t.recorder.settle(plan, out, m, false);
        if (overCap) markTooLarge(out);
        t.recorder.finish(plan, out, m, settled);
      }
      t.recorder.end(plan.res);
    });
  });
  onUpstreamBreak(t);
}
