import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { StreamMeter } from '../../providers/types.js';
import type { CallOutcome, CallPlan } from '../call.js';
import { clientResponseHeaders } from '../headers.js';
import type { UpstreamAnswer, UpstreamCall } from '../upstream-client.js';
import type { Recorder } from './record.js';

/** Everything a tap works with: one per answered call. */
export interface Tap {
  plan: CallPlan;
  out: CallOutcome;
  upReq: UpstreamCall;
  upRes: UpstreamAnswer;
  recorder: Recorder;
  /** The most of a decoded answer kept to read its usage. */
  decodeCap: number;
}

/** The upstream's headers (hop-by-hop dropped) with Tollgate's own added: one copy. */
export function responseHeaders(t: Tap): OutgoingHttpHeaders {
  const headers = clientResponseHeaders(t.upRes.headers);
  Object.assign(headers, t.out.headers);
  return headers;
}

/** The answer decoded to more than the cap: its usage could not be read, so what is recorded is an estimate. */
export function markTooLarge(out: CallOutcome): void {
  if (!out.flags.includes('estimated')) out.flags.push('estimated');
  out.note = 'the answer decoded to more than Tollgate reads for usage; usage estimated';
}

/** Passes a chunk on as it arrived, pausing the upstream while the client is slower than it. */
export function writeThrough(t: Tap, data: Buffer | string): void {
  const { res } = t.plan;
  // A cut-off may end the response in the middle of a chunk's frames.
  if (res.writableEnded) return;
  if (!res.write(data)) {
    t.upRes.pause();
    res.once('drain', () => t.upRes.resume());
  }
}

/** Ends the client's response once the upstream's has ended, and records what the meter read. */
export function onUpstreamEnd(t: Tap, result: () => ReturnType<StreamMeter['result']> | null, upstreamError: boolean): void {
  t.upRes.on('end', () => {
    if (t.out.done) return;
    // Recorded before the end of the answer is sent (see tap-buffered.ts).
    t.recorder.commit(t.plan, t.out, result(), upstreamError);
    t.recorder.end(t.plan.res);
  });
  onUpstreamBreak(t);
}

/** The upstream connection broke mid-answer: recorded as partial, and the client sees the break too. */
export function onUpstreamBreak(t: Tap): void {
  t.upRes.on('close', () => {
    if (t.upRes.complete || t.out.done) return;
    t.out.flags.push('partial');
    t.out.note = 'the upstream connection broke mid-response';
    t.recorder.commit(t.plan, t.out, t.out.meter?.result() ?? null, false);
    // The client sees the break as it would have going direct, not a clean end that looks complete.
    t.plan.res.destroy();
  });
}

/** After each metered event: ends the stream when its running cost would carry a budget past its hard stop. */
export function budgetCheck(t: Tap, meter: StreamMeter): () => void {
  return () => {
    const { out } = t;
    if (out.done || !out.ticket) return;
    const message = out.ticket.progress(meter.result());
    if (message) cutOff(t, t.plan.res, t.upReq, message);
  };
}

function cutOff(t: Tap, res: ServerResponse, upReq: UpstreamCall, message: string) {
  t.out.flags.push('cut-off');
  t.out.note = message;
  const frame = t.plan.op.streamErrorFrame(message);
  t.recorder.commit(t.plan, t.out, t.out.meter?.result() ?? null, false);
  upReq.destroy();
  t.recorder.end(res, frame ?? undefined);
}
