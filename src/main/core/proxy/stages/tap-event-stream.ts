import { createEventStreamDecoder } from '../framing/aws-event-stream.js';
import { budgetCheck, onUpstreamEnd, responseHeaders, writeThrough, type Tap } from './tap-shared.js';

/**
 * AWS event-stream: binary frames pass to the client untouched; a decoder reads a copy and hands each frame's
 * payload to the stream meter as SSE events' data is handed over (the event type from its :event-type header).
 */
export function tapEventStream(t: Tap): void {
  const { plan, out, upRes } = t;
  plan.res.writeHead(out.status, responseHeaders(t));
  const meter = plan.op.createStreamMeter(plan.prepared);
  out.meter = meter;
  const onEvent = budgetCheck(t, meter);
  const decoder = createEventStreamDecoder((m) => {
    const type = m.headers[':event-type'] ?? m.headers[':exception-type'];
    meter.onEvent(typeof type === 'string' ? type : undefined, m.payload.toString('utf8'), '');
    onEvent();
  });
  upRes.on('data', (c: Buffer) => {
    if (out.done) return;
    writeThrough(t, c);
    // A frame that fails its CRC stops the reading (the decoder keeps its error); the bytes still flow on.
    decoder.push(c);
  });
  onUpstreamEnd(t, () => meter.result(), out.status >= 400);
}
