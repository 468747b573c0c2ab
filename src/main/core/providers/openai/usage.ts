import type { TokenUsage } from '../../../contract/usage.js';
import { isObject } from '../../util/json.js';
import { optionalCount, tokenCount } from '../shared.js';

/**
 * Chat Completions / legacy completions / embeddings usage. `prompt_tokens` includes cached tokens and
 * `completion_tokens` includes reasoning tokens. OpenAI's cache writes (GPT-5.6+) carry no TTL: they are
 * priced at the model's plain cache-write rate, which the 5-minute slot holds.
 */
export function chatUsage(u: Record<string, unknown>): Partial<TokenUsage> {
  const pd = isObject(u.prompt_tokens_details) ? u.prompt_tokens_details : {};
  const cd = isObject(u.completion_tokens_details) ? u.completion_tokens_details : {};
  return {
    inputTokens: tokenCount(u.prompt_tokens),
    cacheReadTokens: optionalCount(pd.cached_tokens),
    cacheWrite5mTokens: optionalCount(pd.cache_write_tokens),
    cacheWrite1hTokens: 0,
    outputTokens: tokenCount(u.completion_tokens),
    reasoningTokens: optionalCount(cd.reasoning_tokens),
  };
}

/** Responses API usage: `input_tokens` includes cached; `output_tokens` includes reasoning. */
export function responsesUsage(u: Record<string, unknown>): Partial<TokenUsage> {
  const id = isObject(u.input_tokens_details) ? u.input_tokens_details : {};
  const od = isObject(u.output_tokens_details) ? u.output_tokens_details : {};
  return {
    inputTokens: tokenCount(u.input_tokens),
    cacheReadTokens: optionalCount(id.cached_tokens),
    cacheWrite5mTokens: optionalCount(id.cache_write_tokens),
    cacheWrite1hTokens: 0,
    outputTokens: tokenCount(u.output_tokens),
    reasoningTokens: optionalCount(od.reasoning_tokens),
  };
}

/** No single call costs this much; a larger reported cost is a fault, not a bill, and is ignored. */
const MAX_REPORTED_COST_USD = 100_000;

/** OpenRouter and some compatible gateways put the billed cost in `usage.cost`. */
export function reportedCost(u: Record<string, unknown>): number | null {
  return typeof u.cost === 'number' && Number.isFinite(u.cost) && u.cost >= 0 && u.cost <= MAX_REPORTED_COST_USD ? u.cost : null;
}
