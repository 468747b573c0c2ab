import { describe, expect, it } from 'vitest';
import { usage } from '../../../../src/main/core/cli-options.js';
import { clientPathList, describeProviders, upstreamEnvFor } from '../../../../src/main/core/providers/describe.js';
import { BUILTIN_PROVIDERS } from '../../../../src/main/core/providers/index.js';

describe('lists shown to users come from the provider registry', () => {
  it('describes each built-in provider by its route and its module\'s clientBasePath', () => {
    expect(describeProviders().map((d) => d.clientPath)).toEqual(['/openai/v1', '/anthropic', '/gemini']);
    expect(clientPathList()).toBe('/openai/v1, /anthropic, /gemini or /custom/<id>');
    expect(upstreamEnvFor('http://x')).toEqual({ TOLLGATE_OPENAI_BASE_URL: 'http://x', TOLLGATE_ANTHROPIC_BASE_URL: 'http://x', TOLLGATE_GEMINI_BASE_URL: 'http://x' });
  });

  it('a provider added to the registry appears in the 404 text, the help and test environments', () => {
    const extra = [...BUILTIN_PROVIDERS, { ...BUILTIN_PROVIDERS[0]!, id: 'mistral', name: 'Mistral' }];
    expect(clientPathList(extra)).toBe('/openai/v1, /anthropic, /gemini, /mistral/v1 or /custom/<id>');
    expect(Object.keys(upstreamEnvFor('http://x', extra))).toContain('TOLLGATE_MISTRAL_BASE_URL');
    for (const d of describeProviders()) expect(usage()).toContain(d.upstreamEnv);
  });
});
