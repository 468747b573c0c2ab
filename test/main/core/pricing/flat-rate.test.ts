import { calcPrice, findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { bandedPriceOf, createPriceDatabase, linearPriceOf } from '../../../../src/main/core/pricing/price-database.js';

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

  it('tiered models: every model of the main providers agrees with the library on both sides of each tier start', () => {
    let tiered = 0;
    for (const providerId of ['anthropic', 'openai', 'google', 'x-ai', 'mistral', 'deepseek']) {
      for (const m of findProvider({ providerId })?.models ?? []) {
        const b = bandedPriceOf(m);
        if (!b || b.starts.length === 0) continue;
        tiered++;
        const inputs = [1000, ...b.starts.flatMap((s) => [s - 1, s, s + 1, s + 50_000])];
        for (const input of inputs) {
          const u = { input_tokens: input, cache_read_tokens: Math.floor(input / 3), cache_write_tokens: Math.floor(input / 5), cache_write_1h_tokens: Math.floor(input / 10), output_tokens: 1234 };
          const lib = calcPrice(u, m.id, { providerId, timestamp: at });
          const fast = db.price(providerId, m.id, u, at);
          expect(fast?.total, `${providerId}/${m.id} ${JSON.stringify(u)}`).toBeCloseTo(lib!.total_price, 12);
        }
      }
    }
    // The library has tiered models (Sonnet 4.5, Gemini 2.5 Pro…): the comparison above is not vacuous.
    expect(tiered).toBeGreaterThan(2);
    expect(bandedPriceOf(calcPrice({ input_tokens: 1, output_tokens: 1 }, 'claude-sonnet-4-5', { providerId: 'anthropic', timestamp: at })!.model)?.starts).toEqual([200_000]);
  });
});
