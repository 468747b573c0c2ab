import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProviderRoute } from '../providers/registry.js';
import type { Operation, ProviderModule } from '../providers/types.js';
import { BodyTimeoutError, BodyTooLargeError, readBody } from './body.js';
import { PAUSED_MESSAGE } from './admission.js';
import { blockForm } from './block-form.js';
import { newOutcome, type Arrival, type CallOutcome, type CallPlan, type ProxyDeps } from './call.js';
import { DECODE_CAP_BYTES } from './framing/decoded-body.js';
import { sendProviderError } from './respond.js';
import { admit, type AdmitResult } from './stages/admit.js';
import { identify, isRefusal, type Refusal } from './stages/identify.js';
import { passThrough } from './stages/pass-through.js';
import { prepare } from './stages/prepare.js';
import { createRecorder } from './stages/record.js';
import { forwardUpstream } from './stages/upstream.js';

export type { ProxyDeps } from './call.js';

/**
 * The proxy's request path, as stages that run in order: identify the key, read and prepare the body, admit it
 * against budgets, send it upstream, tap the answer beside the pipe, settle its usage and record it. Bytes reach
 * the client as they arrive; the ledger write happens after.
 */
export function createForwarder(deps: ProxyDeps) {
  const recorder = createRecorder(deps);

  /** Tollgate's own answer, in the provider's error shape; `headers` already carry the request id when given. */
  function refuse(res: ServerResponse, provider: ProviderModule, r: Refusal, id: string, headers?: Record<string, string>) {
    sendProviderError(res, provider, r.status, r.kind, r.message, headers ?? { 'x-tollgate-request-id': id });
  }

  /** A budget block or the pause, in the form the calling tool stops on at once (block-form.ts); the status sent. */
  function refuseBlock(a: Arrival, r: Refusal, headers: Record<string, string>): number {
    const form = blockForm(a.req.headers, r.status, a.route.provider);
    sendProviderError(a.res, form.provider, form.status, r.kind, r.message, { ...headers, 'x-tollgate-request-id': a.id });
    return form.status;
  }

  function handle(req: IncomingMessage, res: ServerResponse, route: ProviderRoute, rest: string, rawQuery: string): void {
    const started = deps.clock.now();
    const t0 = performance.now();
    const id = deps.nextId();
    const { provider } = route;
    const query = new URLSearchParams(rawQuery);

    const ident = identify(deps, route, req.headers, query, started);
    if (isRefusal(ident)) return refuse(res, provider, ident, id);
    const arrival: Arrival = { req, res, route, rest, query, rawQuery, ident, id, started, t0 };
    const settings = deps.settings();
    const op = provider.operation(req.method ?? 'GET', rest);
    if (!op || !op.metered) {
      // Pause stops everything bound for a provider, model lists and preconnects included; nothing is recorded
      // because an unmetered call never is. Metered calls are paused by admission, which records the block.
      if (settings.paused) {
        refuseBlock(arrival, { status: 402, kind: 'paused', message: PAUSED_MESSAGE }, { 'x-tollgate-blocked': 'paused' });
        return;
      }
      return passThrough(arrival, settings.upstreamIdleTimeoutMs);
    }

    readBody(
      req,
      settings.bodyLimitBytes,
      (err, body) => {
        if (err) {
          if (err instanceof BodyTooLargeError) {
            // Tell the client to stop sending; reading the rest of an oversize body only wastes time.
            res.setHeader('connection', 'close');
            return refuse(res, provider, { status: 413, kind: 'too_large', message: `The request body is larger than Tollgate's limit of ${settings.bodyLimitBytes} bytes (setting bodyLimitBytes).` }, id);
          }
          if (err instanceof BodyTimeoutError) {
            res.setHeader('connection', 'close');
            return refuse(res, provider, { status: 408, kind: 'invalid_request', message: `The request body stopped arriving (${err.message}).` }, id);
          }
          return res.destroy();
        }
        try {
          metered(arrival, op, body);
        } catch (e) {
          // A stage threw on input nobody anticipated: this request fails, the process and every other call go on.
          deps.log.error('proxy stage failed', { error: (e as Error).message });
          refuse(res, provider, { status: 500, kind: 'internal', message: 'Tollgate failed to process this request.' }, id);
        }
      },
      deps.bodyIdleTimeoutMs,
    );
  }

  function metered(arrival: Arrival, op: Operation, body: Buffer) {
    const { res, route, id } = arrival;
    const prepared = prepare(arrival, op, body);
    if (isRefusal(prepared)) return refuse(res, route.provider, prepared, id);
    const { plan, json } = prepared;
    const out = newOutcome(plan);
    const admitted = admit(deps.admission(), plan, out, json, body);
    if (admitted instanceof Promise) {
      admitted
        .then((a) => {
          // The client left while the team's reservation was being made: nothing to forward, give the room back.
          if (a.ok && res.destroyed) return out.ticket?.release();
          upstream(arrival, plan, out, a);
        })
        .catch((e: Error) => {
          deps.log.error('proxy stage failed', { error: e.message });
          if (!res.headersSent) refuse(res, route.provider, { status: 500, kind: 'internal', message: 'Tollgate failed to process this request.' }, id);
        });
      return;
    }
    upstream(arrival, plan, out, admitted);
  }

  function upstream(arrival: Arrival, plan: CallPlan, out: CallOutcome, admitted: AdmitResult) {
    const { res, route, id } = arrival;
    if (!admitted.ok) {
      if (!admitted.blocked) return refuse(res, route.provider, admitted.refusal, id, out.headers);
      // The record keeps the status the client was actually sent.
      out.status = refuseBlock(arrival, admitted.refusal, admitted.headers);
      return recorder.commit(plan, out, null, true);
    }
    const settings = deps.settings();
    forwardUpstream(plan, out, admitted.admitted, {
      idleMs: settings.upstreamIdleTimeoutMs,
      decodeCap: Math.min(settings.bodyLimitBytes, DECODE_CAP_BYTES),
      recorder,
    });
  }

  return { handle };
}
