/**
 * What the budget engine needs to know about Anthropic. Read through the registry (providers/index.ts): shared
 * code never branches on a provider's name.
 */

/** Requested model → a cheaper one, for budgets whose hard stop degrades rather than blocks. Patterns may end in "*". */
export const degradeDefaults: Readonly<Record<string, string>> = { 'claude-opus-*': 'claude-haiku-4-5', 'claude-sonnet-*': 'claude-haiku-4-5' };

/** Claude's tokenizer is not o200k: an o200k count gets a wide margin before it bounds a worst case. */
export const tokenizerMargin = 1.35;
