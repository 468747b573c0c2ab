import { appendMember, type JsonObject } from '../../util/json.js';
import type { AdmissionDecision, ProxyAdmission } from '../admission.js';
import type { CallOutcome, CallPlan } from '../call.js';
import type { Refusal } from './identify.js';

/** What the upstream stage sends once a call is admitted. */
export interface Admitted {
  /** The route path, after a degrade that puts the model in it (Gemini). */
  path: string;
  payload: Buffer;
}

export type AdmitResult =
  | { ok: true; admitted: Admitted }
  /** Admission refused: answer with these headers; the call is recorded as blocked. */
  | { ok: false; blocked: true; refusal: Refusal; headers: Record<string, string> }
  /** Admitted, but the rewritten body cannot be serialised: the ticket is already released, nothing is recorded. */
  | { ok: false; blocked: false; refusal: Refusal };

/**
 * Stage 2: ask the budget engine, then apply what it decided (degrade, clamp) and fix the bytes to send. A body
 * that was not changed goes on as the client sent it, byte for byte.
 */
export function admit(admission: ProxyAdmission, plan: CallPlan, out: CallOutcome, json: JsonObject | null, body: Buffer): AdmitResult | Promise<AdmitResult> {
  const decision = admission.admit({
    requestId: plan.id,
    ts: plan.started,
    provider: plan.provider.id,
    pricing: plan.pricing,
    operation: plan.op.name,
    model: plan.requestedModel,
    keyId: plan.ident.id,
    project: plan.project,
    user: plan.user,
    run: plan.run,
    call: plan.info,
    bodyBytes: body.length,
    tokenizerMargin: plan.provider.tokenizerMargin,
  });
  // Only a call under a shared budget (team mode) waits; every other call goes on in this same tick.
  if (decision instanceof Promise) return decision.then((d) => apply(d, plan, out, json, body));
  return apply(decision, plan, out, json, body);
}

function apply(decision: AdmissionDecision, plan: CallPlan, out: CallOutcome, json: JsonObject | null, body: Buffer): AdmitResult {
  const { op } = plan;
  if (!decision.ok) {
    out.flags.push('blocked');
    out.status = decision.status;
    out.note = decision.note;
    return { ok: false, blocked: true, refusal: decision, headers: decision.headers };
  }
  out.ticket = decision.ticket;
  Object.assign(out.headers, decision.headers);
  let changed = plan.prepared.changed;
  // Whether admission changed the body too (degrade, clamp): then only re-serialising can say it.
  let rewritten = false;
  let path = plan.rest;
  if (decision.model && decision.model !== out.model) {
    const r = op.setModel(json, decision.model, path);
    changed ||= r.body;
    rewritten ||= r.body;
    path = r.path;
    out.flags.push('degraded');
    out.note = `degraded from ${out.model}`;
    out.headers['x-tollgate-degraded'] = `${out.model} -> ${decision.model}`;
    out.model = decision.model;
  }
  if (decision.maxOutputTokens !== undefined && op.clampOutput(json, decision.maxOutputTokens)) {
    changed = true;
    rewritten = true;
    out.flags.push('clamped');
    const from = plan.info.maxOutputTokens === null ? 'unset' : String(plan.info.maxOutputTokens);
    out.headers['x-tollgate-clamped-max-tokens'] = String(decision.maxOutputTokens);
    out.headers['x-tollgate-clamped-from'] = from;
    out.note = `${out.note ? `${out.note}; ` : ''}max output tokens clamped from ${from} to ${decision.maxOutputTokens}`;
  }
  if (!changed) return { ok: true, admitted: { path, payload: body } };
  const appended = !rewritten && plan.prepared.appended !== undefined ? appendMember(body, plan.prepared.appended) : null;
  if (appended) return { ok: true, admitted: { path, payload: appended } };
  let text: string;
  try {
    text = JSON.stringify(json);
  } catch {
    // JSON.parse reads any depth; JSON.stringify recurses, and a body nested thousands of levels deep overflows
    // its stack. Refused here so one request cannot take the process down.
    out.ticket.release();
    out.ticket = null;
    out.done = true;
    return {
      ok: false,
      blocked: false,
      refusal: { status: 400, kind: 'invalid_request', message: 'The request body is nested too deeply for Tollgate to rewrite it (it must add or change a field before forwarding).' },
    };
  }
  return { ok: true, admitted: { path, payload: Buffer.from(text) } };
}
