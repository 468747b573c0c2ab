import type { CallInfo, Operation } from '../../providers/types.js';
import { isObject, type JsonObject } from '../../util/json.js';
import type { Arrival, CallPlan } from '../call.js';
import { readAttribution } from '../attribution.js';
import type { Refusal } from './identify.js';

/**
 * A body nested deeper than the stack can walk (thousands of levels) must cost its sender a 400, never the
 * process: the prompt text is read lazily by admission and by estimates, so a failure there reads as no text.
 */
function guardPromptText(info: CallInfo): void {
  const read = info.promptText;
  info.promptText = () => {
    try {
      return read();
    } catch {
      return '';
    }
  };
}

export interface Prepared {
  plan: CallPlan;
  json: JsonObject | null;
}

/** Stage 1: read the body as the operation needs it and fix what the call is. */
export function prepare(arrival: Arrival, op: Operation, body: Buffer): Prepared | Refusal {
  let json: JsonObject | null = null;
  if (op.jsonBody) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (!isObject(parsed)) return { status: 400, kind: 'invalid_request', message: 'The request body must be a JSON object.' };
      json = parsed as JsonObject;
    } catch (e) {
      return { status: 400, kind: 'invalid_request', message: `The request body is not valid JSON: ${(e as Error).message}` };
    }
  }
  const info = op.inspect(json, arrival.rest, arrival.query);
  if (!info.model) return { status: 400, kind: 'invalid_request', message: 'The request does not name a model ("model" is missing).' };
  guardPromptText(info);
  // The call's attribution: the client's x-tollgate-* headers (UTF-8 or percent-encoded), else the wrapped key's.
  const who = readAttribution(arrival.req.headers, arrival.ident);
  if (!who.ok) return { status: 400, kind: 'invalid_request', message: who.message };
  const { provider } = arrival.route;
  const a = arrival;
  // Field by field, not `{ ...arrival, … }`: V8 (Node 20) builds a spread followed by more properties through a
  // slow path, tens of µs per request; a literal of the same fields costs well under one.
  const plan: CallPlan = {
    req: a.req,
    res: a.res,
    route: a.route,
    rest: a.rest,
    query: a.query,
    rawQuery: a.rawQuery,
    ident: a.ident,
    id: a.id,
    started: a.started,
    t0: a.t0,
    provider,
    op,
    info,
    prepared: op.prepare(json, info, arrival.query),
    requestedModel: info.model,
    project: who.project,
    user: who.user,
    run: who.run,
    pricing: { routeId: provider.id, pricingProviderId: provider.pricingProviderId, free: provider.free },
  };
  return { plan, json };
}
