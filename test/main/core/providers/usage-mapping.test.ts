import { describe, expect, it } from 'vitest';
import { anthropicUsage } from '../../../../src/main/core/providers/anthropic/usage.js';
import { geminiUsage } from '../../../../src/main/core/providers/gemini/usage.js';
import { chatUsage, responsesUsage } from '../../../../src/main/core/providers/openai/usage.js';

describe('usage mapping', () => {
  it('Anthropic: total input is uncached + reads + writes; the 5m/1h split is kept', () => {
    expect(
      anthropicUsage({
        input_tokens: 4,
        cache_creation_input_tokens: 12145,
        cache_read_input_tokens: 7276,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 12145 },
        output_tokens: 215,
      }),
    ).toEqual({ inputTokens: 19425, cacheReadTokens: 7276, cacheWrite5mTokens: 0, cacheWrite1hTokens: 12145, outputTokens: 215, reasoningTokens: 0 });
  });

  it('Anthropic: writes without the TTL split are 5-minute writes (the default TTL)', () => {
    const u = anthropicUsage({ input_tokens: 1, cache_creation_input_tokens: 100, output_tokens: 2 });
    expect(u.cacheWrite5mTokens).toBe(100);
    expect(u.cacheWrite1hTokens).toBe(0);
    expect(u.inputTokens).toBe(101);
  });

  it('OpenAI chat: cached and cache-write tokens are parts of prompt_tokens; reasoning is part of completion', () => {
    expect(
      chatUsage({
        prompt_tokens: 1200,
        completion_tokens: 80,
        prompt_tokens_details: { cached_tokens: 1024, cache_write_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 30 },
      }),
    ).toEqual({ inputTokens: 1200, cacheReadTokens: 1024, cacheWrite5mTokens: 100, cacheWrite1hTokens: 0, outputTokens: 80, reasoningTokens: 30 });
  });

  it('OpenAI Responses usage', () => {
    const u = responsesUsage({ input_tokens: 3207, input_tokens_details: { cached_tokens: 3000 }, output_tokens: 120, output_tokens_details: { reasoning_tokens: 64 } });
    expect(u).toMatchObject({ inputTokens: 3207, cacheReadTokens: 3000, outputTokens: 120, reasoningTokens: 64 });
  });

  it('Gemini: thoughts are billed as output but not inside candidatesTokenCount; tool-use prompt tokens are input', () => {
    expect(geminiUsage({ promptTokenCount: 9, candidatesTokenCount: 5, thoughtsTokenCount: 21, cachedContentTokenCount: 4, toolUsePromptTokenCount: 3 })).toEqual({
      inputTokens: 12,
      cacheReadTokens: 4,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 26,
      reasoningTokens: 21,
    });
  });

  it('unreadable main counts (null, negative, strings, fractions) are undefined, for the proxy to estimate; detail fields count as zero', () => {
    const u = chatUsage({ prompt_tokens: null, completion_tokens: -3, prompt_tokens_details: { cached_tokens: 'x' } });
    expect(u).toMatchObject({ inputTokens: undefined, outputTokens: undefined, cacheReadTokens: 0 });
    expect(chatUsage({ prompt_tokens: '100', completion_tokens: 2.5 })).toMatchObject({ inputTokens: undefined, outputTokens: undefined });
    expect(anthropicUsage({ input_tokens: [1], output_tokens: {} })).toMatchObject({ inputTokens: undefined, outputTokens: undefined });
    // Gemini leaves zero counts out: a missing candidatesTokenCount is 0, an unreadable one is unknown.
    expect(geminiUsage({ promptTokenCount: 5 })).toMatchObject({ inputTokens: 5, outputTokens: 0 });
    expect(geminiUsage({ promptTokenCount: 5, candidatesTokenCount: true })).toMatchObject({ inputTokens: 5, outputTokens: undefined });
    // Huge integers stay finite through sums.
    expect(Number.isFinite(anthropicUsage({ input_tokens: 1e308, cache_read_input_tokens: 1e308, output_tokens: 1 }).inputTokens)).toBe(true);
  });
});
