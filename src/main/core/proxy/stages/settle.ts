import type { TokenUsage } from '../../../contract/usage.js';
import type { Pricer, PriceQuote } from '../../pricing/pricer.js';
import type { MeteredUsage } from '../../providers/types.js';
import type { CallOutcome, CallPlan } from '../call.js';
import { priceUsage, settleUsage } from '../outcome.js';

export interface Settled {
  usage: TokenUsage;
  quote: PriceQuote;
}

/** Stage 4: the usage to record (reported, or estimated and flagged) and its price. */
export function settle(pricer: Pricer, plan: CallPlan, out: CallOutcome, m: MeteredUsage | null, upstreamError: boolean): Settled {
  const usage = settleUsage(m, plan.info, upstreamError, out.flags);
  const quote = priceUsage(pricer, plan.pricing, out.model, usage, plan.started, m?.reportedCostUsd ?? null, out.flags);
  return { usage, quote };
}
