import type { CallOutcome, CallPlan } from '../call.js';
import { sendProviderError } from '../respond.js';
import type { UpstreamCall } from '../upstream-client.js';
import { AuthorizeError, openUpstream, unreachableMessage, UpstreamTimeoutError } from '../upstream-request.js';
import type { Admitted } from './admit.js';
import { framingOf, TAPS } from './pick-tap.js';
import type { Recorder } from './record.js';

export interface UpstreamOptions {
  idleMs: number;
  decodeCap: number;
  recorder: Recorder;
}

const ignore = () => {};

/** Stage 3: send the admitted call upstream and hand its answer to the tap its framing needs. */
export function forwardUpstream(plan: CallPlan, out: CallOutcome, admitted: Admitted, opts: UpstreamOptions): void {
  const { res, provider } = plan;
  const { recorder } = opts;
  let upReq: UpstreamCall | null = null;

  const failBeforeAnswer = (status: number, kind: 'upstream_timeout' | 'upstream_unreachable' | 'internal', message: string) => {
    if (out.done) return;
    sendProviderError(res, provider, status, kind, message, out.headers);
    out.status = status;
    out.flags.push('error');
    out.note = message;
    recorder.commit(plan, out, null, true);
  };

  res.on('close', () => {
    if (out.done || res.writableFinished) return;
    // The client went away: stop paying for an answer nobody reads.
    out.flags.push('partial');
    upReq?.destroy();
    recorder.commit(plan, out, out.meter?.result() ?? null, false);
  });

  openUpstream(
    {
      route: plan.route,
      method: plan.req.method ?? 'POST',
      path: admitted.path,
      query: plan.query,
      rawQuery: plan.rawQuery,
      incoming: plan.req.headers,
      secret: plan.ident.secret,
      body: admitted.payload,
      idleMs: opts.idleMs,
    },
    {
      opened(call) {
        upReq = call;
        return !out.done; // the client left while the provider was authorizing
      },
      response(upRes) {
        out.ttfbMs = Math.round(performance.now() - plan.t0);
        out.status = upRes.statusCode;
        upRes.on('error', ignore); // 'close' with complete=false carries the failure
        TAPS[framingOf(plan, upRes, out.status)]({ plan, out, upReq: upReq!, upRes, recorder, decodeCap: opts.decodeCap });
      },
      error(err) {
        const timeout = err instanceof UpstreamTimeoutError;
        failBeforeAnswer(
          timeout ? 504 : 502,
          timeout ? 'upstream_timeout' : 'upstream_unreachable',
          timeout ? `The ${provider.name} upstream did not answer in time (${err.message}).` : unreachableMessage(provider.name, provider.baseUrl, err),
        );
      },
    },
    (err: AuthorizeError) => failBeforeAnswer(500, 'internal', `Tollgate could not authorize the request for ${provider.name}: ${err.message}`),
  );
}
