import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Settings } from '../../contract/settings.js';
import type { RequestFlag, RequestRecord } from '../../contract/usage.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Pricer, PricingTarget } from '../pricing/pricer.js';
import type { ProviderRoute } from '../providers/registry.js';
import type { CallInfo, MeteredUsage, Operation, PreparedCall, ProviderModule } from '../providers/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { AdmissionTicket, ProxyAdmission } from './admission.js';

export interface ProxyDeps {
  keys: KeyRing;
  pricer: Pricer;
  admission: () => ProxyAdmission;
  settings: () => Settings;
  clock: Clock;
  nextId: () => string;
  record: (r: RequestRecord) => void;
  /** Calls back once the records made so far are on disk (history/history.ts); absent, at once. */
  afterWrite?: (cb: () => void) => void;
  log: Logger;
  /** Bound beyond loopback: only wrapped Tollgate keys may use the proxy. */
  requireTollgateKey: () => boolean;
  bodyIdleTimeoutMs?: number;
}

/** Who is calling, as the key ring resolved the request's credential. */
export interface Identity {
  readonly id: string;
  readonly label: string;
  readonly project: string | null;
  readonly owner: string | null;
  readonly subscription: boolean;
  /** The real key to send upstream, for wrapped keys. */
  readonly secret: (() => string) | null;
}

export const ANONYMOUS: Identity = Object.freeze({ id: 'anonymous', label: 'no key', project: null, owner: null, subscription: false, secret: null });

/** A request as it arrived: fixed before its body is read. */
export interface Arrival {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly route: ProviderRoute;
  readonly rest: string;
  readonly query: URLSearchParams;
  readonly rawQuery: string;
  readonly ident: Identity;
  readonly id: string;
  readonly started: number;
  readonly t0: number;
}

/** What a metered call is, fixed once its body is read and inspected; no later stage changes it. */
export interface CallPlan extends Arrival {
  readonly provider: ProviderModule;
  readonly op: Operation;
  readonly info: CallInfo;
  readonly prepared: PreparedCall;
  /** The model the client asked for. */
  readonly requestedModel: string;
  readonly project: string | null;
  readonly user: string | null;
  readonly run: string | null;
  readonly pricing: PricingTarget;
}

/** What happens to a call: written by admission, the upstream and the tap, read by settle and record. */
export interface CallOutcome {
  /** The model forwarded (differs from the plan's after a degrade). */
  model: string;
  flags: RequestFlag[];
  /** The budget reservation; null until admitted, and for calls admission refused. */
  ticket: AdmissionTicket | null;
  /** Tollgate's response headers: the request id, budget warnings, degrade and clamp notes. */
  headers: Record<string, string>;
  note: string | undefined;
  status: number;
  ttfbMs: number | null;
  /** The stream meter, once a tap reads one, so a call cut short records what was seen. */
  meter: { result(): MeteredUsage } | null;
  /** Recorded: later events of the same call change nothing. */
  done: boolean;
}

export function newOutcome(plan: CallPlan): CallOutcome {
  return {
    model: plan.requestedModel,
    flags: plan.ident.subscription ? ['subscription'] : [],
    ticket: null,
    headers: { 'x-tollgate-request-id': plan.id },
    note: undefined,
    status: 0,
    ttfbMs: null,
    meter: null,
    done: false,
  };
}
