import { describe, expect, it } from 'vitest';
import { addUsage, emptyUsage, isZeroUsage, totalTokens } from '../../../../src/main/core/util/token-usage.js';

describe('token usage helpers', () => {
  it('start from a fresh zero each time', () => {
    const a = emptyUsage();
    a.inputTokens = 5;
    expect(emptyUsage().inputTokens).toBe(0);
    expect(isZeroUsage(emptyUsage())).toBe(true);
  });

  it('count any tokens as not zero, cache-only reports included', () => {
    expect(isZeroUsage({ ...emptyUsage(), outputTokens: 1 })).toBe(false);
    expect(isZeroUsage({ ...emptyUsage(), cacheReadTokens: 3 })).toBe(false);
  });

  it('add every count, and total input plus output', () => {
    const sum = addUsage(emptyUsage(), { inputTokens: 10, cacheReadTokens: 4, cacheWrite5mTokens: 2, cacheWrite1hTokens: 1, outputTokens: 7, reasoningTokens: 3 });
    addUsage(sum, { ...emptyUsage(), inputTokens: 1, reasoningTokens: 1 });
    expect(sum).toEqual({ inputTokens: 11, cacheReadTokens: 4, cacheWrite5mTokens: 2, cacheWrite1hTokens: 1, outputTokens: 7, reasoningTokens: 4 });
    expect(totalTokens(sum)).toBe(18);
  });
});
