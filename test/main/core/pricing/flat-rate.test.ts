import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { createPriceDatabase, linearPriceOf } from '../../../../src/main/core/pricing/price-database.js';

/** The flat-rate fast path must agree with the library on every model it takes, for every kind of token. */
describe('flat-rate fast path', () => {
  const models: [string, string][] = [
    ['openai', 'gpt-4o'], ['openai', 'gpt-4o-mini'], ['openai', 'gpt-4.1-nano'], ['openai', 'gpt-5'], ['openai', 'o3'], ['openai', 'gpt-5.6'],
    ['openai', 'text-embedding-3-small'], ['openai', 'gpt-3.5-turbo-instruct'],
    ['anthropic', 'claude-sonnet-4-5'], ['anthropic', 'claude-haiku-4-5'], ['anthropic', 'claude-opus-4-1'], ['anthropic', 'claude-opus-4-6'], ['anthropic', 'claude-3-5-haiku-latest'],
    ['google', 'gemini-2.5-pro'], ['google', 'gemini-2.5-flash'], ['google', 'gemini-2.0-flash'],
    ['groq', 'llama-3.3-70b-versatile'], ['deepseek', 'deepseek-chat'], ['openrouter', 'openai/gpt-4o'], ['mistral', 'mistral-large-latest'], ['x-ai', 'grok-4'],
  ];
  const usages = [
    { input_tokens: 1000, output_tokens: 500 },
    { input_tokens: 19425, cache_read_tokens: 7276, cache_write_tokens: 12145, cache_write_1h_tokens: 12145, output_tokens: 215 },
    { input_tokens: 9000, cache_read_tokens: 3000, cache_write_tokens: 4000, cache_write_1h_tokens: 1000, output_tokens: 7000, output_reasoning_tokens: 3000 },
    { input_tokens: 250_000, cache_read_tokens: 100_000, output_tokens: 1500 },
  ];
  const at = new Date(Date.UTC(2026, 10, 1, 12));
  const db = createPriceDatabase();

  for (const [provider, model] of models) {
    it(`${provider}/${model}`, () => {
      for (const u of usages) {
        const lib = calcPrice(u, model, { providerId: provider, timestamp: at });
        const fast = db.price(provider, model, u, at);
        if (lib === null) {
          expect(fast).toBeNull();
          continue;
        }
        expect(fast!.total, JSON.stringify(u)).toBeCloseTo(lib.total_price, 12);
      }
    });
  }

  it('takes flat-rate models and leaves tiered or dated ones to the library', () => {
    const info = (p: string, m: string) => calcPrice({ input_tokens: 1, output_tokens: 1 }, m, { providerId: p, timestamp: at })!.model;
    expect(linearPriceOf(info('openai', 'gpt-4o'))).toEqual({ uncached: 2.5e-6, read: 1.25e-6, write5m: 2.5e-6, write1h: 2.5e-6, output: 10e-6 });
    expect(linearPriceOf(info('anthropic', 'claude-haiku-4-5'))).not.toBeNull();
    expect(linearPriceOf(info('google', 'gemini-2.5-pro'))).toBeNull();
    expect(linearPriceOf(info('anthropic', 'claude-sonnet-4-5'))).toBeNull();
  });
});
