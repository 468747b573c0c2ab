/**
 * What the budget engine needs to know about OpenAI. Read through the registry (providers/index.ts): shared
 * code never branches on a provider's name.
 */

/** Requested model → a cheaper one, for budgets whose hard stop degrades rather than blocks. Patterns may end in "*". */
export const degradeDefaults: Readonly<Record<string, string>> = { 'gpt-4o': 'gpt-4o-mini', 'gpt-4.1': 'gpt-4.1-nano', 'gpt-5': 'gpt-5-mini', o3: 'o4-mini' };

/** The local tokenizer is OpenAI's o200k, so its counts are near exact: a small margin suffices. */
export const tokenizerMargin = 1.05;
