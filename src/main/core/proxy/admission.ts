import type { RequestRecord } from '../../contract/usage.js';
import type { PricingTarget } from '../pricing/pricer.js';
import type { CallInfo, ErrorKind, MeteredUsage } from '../providers/types.js';

/** What the budget engine is told about a call before it is forwarded. */
export interface AdmissionInput {
  requestId: string;
  ts: number;
  provider: string;
  pricing: PricingTarget;
  operation: string;
  model: string;
  keyId: string;
  project: string | null;
  user: string | null;
  run: string | null;
  call: CallInfo;
  /** The request body's size in bytes: an upper bound on its tokens, free to compute. */
  bodyBytes: number;
  /**
   * How far the provider's token counts can run past the local (o200k) tokenizer's, as a factor: each provider
   * declares its own (providers/index.ts). Absent, DEFAULT_TOKENIZER_MARGIN.
   */
  tokenizerMargin?: number;
}

/** The margin for a provider that declares none: its tokenizer is not o200k, so leave room for it counting more. */
export const DEFAULT_TOKENIZER_MARGIN = 1.35;

export interface AdmissionTicket {
  /**
   * Called as a stream's usage grows. Returns a message to end the stream with when its running cost would carry
   * a budget past its hard stop, else null.
   */
  progress(m: MeteredUsage): string | null;
  /** The call finished: reserve → actual. */
  settle(record: RequestRecord): void;
  /** The call never reached upstream, or failed before any usage: give the reservation back. */
  release(): void;
}

export type AdmissionDecision =
  | {
      ok: true;
      ticket: AdmissionTicket;
      /** Degrade: forward to this model instead. */
      model?: string;
      /** Clamp the output cap to this (agent-run budgets). */
      maxOutputTokens?: number;
      /** Response headers to add (x-tollgate-budget-warning, …). */
      headers: Record<string, string>;
    }
  | { ok: false; status: number; kind: ErrorKind; message: string; headers: Record<string, string>; note: string };

export interface Admission {
  admit(input: AdmissionInput): AdmissionDecision;
}

/**
 * What the proxy asks. Team mode (core/team) answers later when a shared budget applies, because the team's
 * reservation is made in Redis; the local engine always answers at once.
 */
export interface ProxyAdmission {
  admit(input: AdmissionInput): AdmissionDecision | Promise<AdmissionDecision>;
}

/** The ticket of a call that holds no reservation: nothing to settle or give back. */
export const NOOP_TICKET: AdmissionTicket = { progress: () => null, settle: () => {}, release: () => {} };

/** What every call is told while "Pause all AI traffic" is on, metered or not. */
export const PAUSED_MESSAGE = 'Tollgate has paused all AI traffic. Resume it from the tray menu or the dashboard (Settings → Pause).';
