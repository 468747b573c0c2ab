import { createSseFilter, createSseTap } from '../sse.js';
import { budgetCheck, onUpstreamBreak, responseHeaders, writeThrough, type Tap } from './tap-shared.js';

/** SSE: each chunk goes to the client as it arrives; a parser reads a copy for usage. */
export function tapSse(t: Tap): void {
  const { plan, out, upRes } = t;
  const headers = responseHeaders(t);
  if (plan.prepared.injectedUsage) delete headers['content-length'];
  // No flushHeaders: the headers leave with the first chunk, in one write, as a bare pipe sends them.
  plan.res.writeHead(out.status, headers);
  const meter = plan.op.createStreamMeter(plan.prepared);
  out.meter = meter;
  const onEvent = budgetCheck(t, meter);
  const upstreamError = out.status >= 400;
  if (plan.prepared.injectedUsage) {
    const filter = createSseFilter(meter, (data) => writeThrough(t, data), onEvent);
    upRes.on('data', (c: Buffer) => {
      if (!out.done) filter.push(c);
    });
    upRes.on('end', () => {
      if (out.done) return;
      filter.flush();
      // Recorded before the end of the answer is sent (see tap-buffered.ts).
      t.recorder.commit(plan, out, meter.result(), upstreamError);
      t.recorder.end(plan.res);
    });
    onUpstreamBreak(t);
    return;
  }
  const tap = createSseTap(meter, onEvent);
  upRes.on('data', (c: Buffer) => {
    if (out.done) return;
    writeThrough(t, c);
    tap.push(c);
  });
  upRes.on('end', () => {
    if (out.done) return;
    tap.end();
    t.recorder.commit(plan, out, meter.result(), upstreamError);
    t.recorder.end(plan.res);
  });
  onUpstreamBreak(t);
}
