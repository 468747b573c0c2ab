import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProviderRoute } from '../../providers/registry.js';
import type { Operation, StreamMeter } from '../../providers/types.js';
import { isObject } from '../../util/json.js';
import { blockForm, codexErrorBody } from '../block-form.js';
import { newOutcome, type Arrival, type CallOutcome, type CallPlan, type Identity, type ProxyDeps } from '../call.js';
import { admit, type AdmitResult } from '../stages/admit.js';
import { isRefusal, type Refusal } from '../stages/identify.js';
import { prepare } from '../stages/prepare.js';
import type { Recorder } from '../stages/record.js';

interface Call {
  plan: CallPlan;
  out: CallOutcome;
  meter: StreamMeter;
}

export interface SocketContext {
  req: IncomingMessage;
  route: ProviderRoute;
  rest: string;
  query: URLSearchParams;
  rawQuery: string;
  ident: Identity;
}

/** What to do with a client frame: send these bytes upstream, or answer the client with this frame instead. */
export type ClientVerdict = { send: Buffer | string } | { reply: string };

/**
 * The calls one Responses WebSocket carries, one `response.create` after another: each is admitted like an HTTP
 * request, metered from the upstream's events and recorded at its terminal event (one socket carries many
 * responses, so metering is per response, never per connection).
 */
export function createResponseCalls(deps: ProxyDeps, recorder: Recorder, ctx: SocketContext, op: Operation) {
  const pending: Call[] = [];

  /**
   * Codex's in-band error, which it maps like an HTTP answer with that status: for Codex every refusal of
   * Tollgate's is the 400 it stops on and prints (any other status it retries or hides), for others the status.
   */
  function errorFrame(r: Refusal): string {
    const form = blockForm(ctx.req.headers, r.status, ctx.route.provider);
    const error = (JSON.parse(codexErrorBody(r.kind, r.message)) as { error: unknown }).error;
    return JSON.stringify({ type: 'error', status: form.status, error });
  }

  function fromClient(text: string): ClientVerdict | Promise<ClientVerdict> {
    let type: unknown;
    try {
      const parsed: unknown = JSON.parse(text);
      type = isObject(parsed) ? parsed.type : undefined;
    } catch {
      return { send: text }; // not ours to judge: the upstream answers it
    }
    if (type !== 'response.create') return { send: text };
    const body = Buffer.from(text);
    const limit = deps.settings().bodyLimitBytes;
    if (body.length > limit) {
      return { reply: errorFrame({ status: 413, kind: 'too_large', message: `The request is larger than Tollgate's limit of ${limit} bytes (setting bodyLimitBytes).` }) };
    }
    const arrival: Arrival = {
      req: ctx.req,
      // A WebSocket call has no HTTP response of its own; the stages it runs (prepare, admit, record) never touch it.
      res: null as unknown as ServerResponse,
      route: ctx.route,
      rest: ctx.rest,
      query: ctx.query,
      rawQuery: ctx.rawQuery,
      ident: ctx.ident,
      id: deps.nextId(),
      started: deps.clock.now(),
      t0: performance.now(),
    };
    const prepared = prepare(arrival, op, body);
    if (isRefusal(prepared)) return { reply: errorFrame(prepared) };
    const { plan, json } = prepared;
    // The transport streams every response, whatever the body says.
    plan.info.stream = true;
    const out = newOutcome(plan);
    const admitted = admit(deps.admission(), plan, out, json, body);
    if (admitted instanceof Promise) return admitted.then((a) => afterAdmit(plan, out, a, body, text));
    return afterAdmit(plan, out, admitted, body, text);
  }

  function afterAdmit(plan: CallPlan, out: CallOutcome, admitted: AdmitResult, body: Buffer, text: string): ClientVerdict {
    if (!admitted.ok) {
      const frame = errorFrame(admitted.refusal);
      if (admitted.blocked) {
        out.status = (JSON.parse(frame) as { status: number }).status;
        recorder.commit(plan, out, null, true);
      }
      return { reply: frame };
    }
    const meter = op.createStreamMeter(plan.prepared);
    out.meter = meter;
    pending.push({ plan, out, meter });
    return { send: admitted.admitted.payload === body ? text : admitted.admitted.payload.toString('utf8') };
  }

  /**
   * An upstream frame, about to be passed to the client. Returns a message when the response's running cost would
   * carry a budget past its hard stop: the caller ends the response with it.
   */
  function fromUpstream(text: string): string | null {
    const call = pending[0];
    if (!call) return null;
    const { plan, out, meter } = call;
    out.ttfbMs ??= Math.round(performance.now() - plan.t0);
    meter.onEvent(undefined, text, text);
    const status = errorStatus(text);
    if (status !== null) {
      out.status = status;
      out.flags.push('error');
      pending.shift();
      recorder.commit(plan, out, meter.result(), true);
      return null;
    }
    // The Responses reader marks the result complete at any of the three terminal events.
    if (meter.result().complete) {
      out.status = 200;
      pending.shift();
      recorder.commit(plan, out, meter.result(), false);
      return null;
    }
    if (!out.ticket) return null;
    const message = out.ticket.progress(meter.result());
    if (!message) return null;
    out.flags.push('cut-off');
    out.note = message;
    out.status = 200;
    pending.shift();
    recorder.commit(plan, out, meter.result(), false);
    return errorFrame({ status: 402, kind: 'budget_exceeded', message });
  }

  /** The connection ended: responses still under way are recorded with what was seen. */
  function closed(note: string): void {
    for (const { plan, out, meter } of pending.splice(0)) {
      out.flags.push('partial');
      out.note = note;
      out.status ||= 200;
      recorder.commit(plan, out, meter.result(), false);
    }
  }

  return { fromClient, fromUpstream, closed };
}

/**
 * The status of an in-band `error` event, else null. Only frames holding the JSON string "error" are parsed: in a
 * delta's text the quotes are escaped, so the cheap test lets the common frames through unparsed.
 */
function errorStatus(text: string): number | null {
  if (!text.includes('"error"')) return null;
  try {
    const ev: unknown = JSON.parse(text);
    if (!isObject(ev) || ev.type !== 'error') return null;
    return typeof ev.status === 'number' && ev.status >= 400 && ev.status < 600 ? ev.status : 500;
  } catch {
    return null;
  }
}
