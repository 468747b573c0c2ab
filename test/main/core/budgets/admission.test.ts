import { describe, expect, it } from 'vitest';
import { createBudgetEngine } from '../../../../src/main/core/budgets/engine.js';
import { createPriceDatabase } from '../../../../src/main/core/pricing/price-database.js';
import { createPricer } from '../../../../src/main/core/pricing/pricer.js';
import { BUILTIN_PROVIDERS } from '../../../../src/main/core/providers/index.js';
import { createAgents, createProviderRegistry } from '../../../../src/main/core/providers/registry.js';
import { DEFAULT_TOKENIZER_MARGIN, type AdmissionInput } from '../../../../src/main/core/proxy/admission.js';
import { defaultSettings } from '../../../../src/main/core/settings/settings.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';

const pricer = createPricer({ db: createPriceDatabase(), overrides: () => [] });

function input(tokenizerMargin: number | undefined): AdmissionInput {
  return {
    requestId: `r${Math.random()}`,
    ts: Date.UTC(2026, 0, 10, 12),
    provider: 'custom-llm',
    pricing: { routeId: 'custom-llm', pricingProviderId: null, free: false },
    operation: 'chat.completions',
    model: 'some-model',
    keyId: 'k1',
    project: null,
    user: null,
    run: null,
    call: { model: 'some-model', stream: false, maxOutputTokens: 10, promptText: () => 'prompt' },
    bodyBytes: 10_000,
    ...(tokenizerMargin === undefined ? {} : { tokenizerMargin }),
  };
}

describe('admission’s worst case near a limit', () => {
  it('pads the tokenizer’s count by the margin the call’s provider declares', () => {
    const engine = createBudgetEngine({
      clock: createManualClock(Date.UTC(2026, 0, 10, 12)),
      settings: () => defaultSettings(),
      pricer,
      // 1,000 tokens: the byte bound (10,000) is far over the limit, the margin decides.
      tokenizer: { count: () => 1000, ready: async () => {} },
      keyLabel: (id) => id,
      onChange: () => {},
      onAlert: () => {},
    });
    engine.create({ name: 'tokens', period: { kind: 'day' }, limitTokens: 1300, hardStopPercent: 100 });
    const tight = engine.admit(input(1.05));
    expect(tight.ok).toBe(true);
    // ceil(1000 × 1.05) + 64 input tokens, and the 10 output tokens asked for.
    expect(engine.list()[0]!.reservedTokens).toBe(1050 + 64 + 10);
    if (tight.ok) tight.ticket.release();
    expect(engine.admit(input(1.35)).ok).toBe(false);
    // No margin declared: the default (1.35) applies, 1,350 + 64 + 10 tokens, past the limit.
    expect(engine.admit(input(undefined)).ok).toBe(false);
  });

  it('gets each provider’s margin from its registry entry, and the cautious default for custom providers', () => {
    const settings = {
      ...defaultSettings(),
      customProviders: [{ id: 'groq', name: 'Groq', baseUrl: 'https://api.groq.com/openai/v1', pricingProviderId: 'groq', free: false, authHeader: 'bearer' as const, injectStreamUsage: true, defaultModel: null }],
    };
    const registry = createProviderRegistry(settings, {}, createAgents());
    for (const b of BUILTIN_PROVIDERS) expect(registry.match(`/${b.id}/x`)!.route.provider.tokenizerMargin).toBe(b.tokenizerMargin);
    expect(registry.match('/openai/x')!.route.provider.tokenizerMargin).toBe(1.05);
    expect(registry.match('/custom/groq/x')!.route.provider.tokenizerMargin).toBe(DEFAULT_TOKENIZER_MARGIN);
  });

  it('default degrade maps come from each provider’s folder, one copy per settings object', () => {
    const a = defaultSettings();
    expect(Object.keys(a.degradeMap)).toEqual(BUILTIN_PROVIDERS.map((p) => p.id));
    for (const p of BUILTIN_PROVIDERS) expect(a.degradeMap[p.id]).toEqual(p.degradeDefaults);
    a.degradeMap.openai!['gpt-4o'] = 'changed';
    expect(defaultSettings().degradeMap.openai!['gpt-4o']).toBe('gpt-4o-mini');
  });
});
