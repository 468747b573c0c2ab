import type { Framing } from '../../providers/types.js';
import type { CallPlan } from '../call.js';
import type { UpstreamAnswer } from '../upstream-client.js';
import { tapBuffered } from './tap-buffered.js';
import { tapEventStream } from './tap-event-stream.js';
import { tapSse } from './tap-sse.js';
import type { Tap } from './tap-shared.js';
import { tapWhole } from './tap-whole.js';

/**
 * How an answer is framed: what the response's content-type says where it is decisive (SSE, AWS event-stream),
 * else what the operation declares for a stream. Error answers of streamed calls are plain JSON bodies.
 */
export function framingOf(plan: CallPlan, upRes: UpstreamAnswer, status: number): Framing {
  const ct = upRes.headers['content-type'] ?? '';
  if (ct.includes('text/event-stream')) return 'sse';
  if (ct.includes('application/vnd.amazon.eventstream')) return 'aws-event-stream';
  if (!plan.info.stream || status >= 400) return 'json';
  // A stream Tollgate asked usage of is read as SSE whatever its label: the injected chunk must be filtered out.
  if (plan.prepared.injectedUsage) return 'sse';
  const declared = plan.op.framing ?? 'sse';
  // An SSE operation whose answer does not say text/event-stream is read whole, as it always was.
  return declared === 'sse' ? 'json-array' : declared;
}

export const TAPS: Record<Framing, (t: Tap) => void> = {
  json: tapBuffered,
  sse: tapSse,
  'json-array': tapWhole,
  'aws-event-stream': tapEventStream,
};
