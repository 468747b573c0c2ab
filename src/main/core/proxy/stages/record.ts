import type { ServerResponse } from 'node:http';
import type { RequestRecord } from '../../../contract/usage.js';
import type { MeteredUsage } from '../../providers/types.js';
import type { CallOutcome, CallPlan, ProxyDeps } from '../call.js';
import { settle, type Settled } from './settle.js';

export type Recorder = {
  /** Settles and records a call, once; later calls for the same outcome do nothing. */
  commit(plan: CallPlan, out: CallOutcome, m: MeteredUsage | null, upstreamError: boolean): void;
  /** Stage 4 with this recorder's pricer, for taps that need the price before they record. */
  settle(plan: CallPlan, out: CallOutcome, m: MeteredUsage | null, upstreamError: boolean): Settled;
  /** Records a call already settled (the buffered tap prices before it writes the cost header). */
  finish(plan: CallPlan, out: CallOutcome, m: MeteredUsage | null, settled: Settled): void;
  /**
   * Ends the client's answer once its record is on disk: the last byte never leaves before the record does, so a
   * crash after the client has its answer cannot lose it. Records of one tick are written together.
   */
  end(res: ServerResponse, last?: Buffer | string): void;
};

/** Stage 5: the ledger record, and the budget reservation turned into actual spend (or given back). */
export function createRecorder(deps: Pick<ProxyDeps, 'pricer' | 'record' | 'log' | 'afterWrite'>): Recorder {
  const afterWrite = deps.afterWrite ?? ((cb: () => void) => cb());
  function finish(plan: CallPlan, out: CallOutcome, m: MeteredUsage | null, settled: Settled) {
    if (out.done) return;
    out.done = true;
    const { flags } = out;
    if (out.status >= 400 && !flags.includes('error') && !flags.includes('blocked')) flags.push('error');
    const record: RequestRecord = {
      id: plan.id,
      ts: plan.started,
      durationMs: Math.round(performance.now() - plan.t0),
      ttfbMs: out.ttfbMs,
      provider: plan.provider.id,
      operation: plan.op.name,
      model: out.model,
      responseModel: m?.responseModel ?? null,
      keyId: plan.ident.id,
      keyLabel: plan.ident.label,
      project: plan.project,
      user: plan.user,
      run: plan.run,
      status: out.status,
      stream: plan.info.stream,
      usage: settled.usage,
      costUsd: settled.quote.costUsd,
      pricedModel: settled.quote.pricedModel,
      priceSource: settled.quote.source,
      flags,
    };
    // Set after the literal rather than spread into it: spreading builds a throwaway object per record.
    if (out.note) record.note = out.note;
    if (m?.upstreamId) record.upstreamId = m.upstreamId;
    try {
      if (flags.includes('blocked')) out.ticket?.release();
      else out.ticket?.settle(record);
    } catch (err) {
      deps.log.error('budget settle failed', { error: (err as Error).message });
    }
    deps.record(record);
  }
  return {
    finish,
    end(res, last) {
      // Node keeps a response's socket corked until the next tick after a write, so the last chunk of a stream,
      // passed on as it came, is usually still waiting in it here. One more cork keeps it there until the record
      // is on disk, and it leaves with the end of the answer in one write (end() uncorks fully). Without it the
      // chunk left at the next tick and the end on its own after the journal write: two writes and two packets
      // per stream, about 20 µs more of CPU each, where a bare pipe makes one.
      res.socket?.cork();
      afterWrite(() => {
        if (last === undefined) res.end();
        else res.end(last);
      });
    },
    settle: (plan, out, m, upstreamError) => settle(deps.pricer, plan, out, m, upstreamError),
    commit(plan, out, m, upstreamError) {
      if (out.done) return;
      finish(plan, out, m, settle(deps.pricer, plan, out, m, upstreamError));
    },
  };
}
