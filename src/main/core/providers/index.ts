import { ANTHROPIC_DEFAULT_BASE_URL, createAnthropicProvider } from './anthropic/index.js';
import { createCompatProvider, type CompatProviderConfig } from './compat/index.js';
import { createGeminiProvider, GEMINI_DEFAULT_BASE_URL } from './gemini/index.js';
import { createOpenAIProvider, OPENAI_DEFAULT_BASE_URL } from './openai/index.js';
import type { ProviderModule } from './types.js';

export interface BuiltinProvider {
  id: string;
  name: string;
  defaultBaseUrl: string;
  create(baseUrl: string): ProviderModule;
}

/** The registry: one line per built-in provider. Everything else a provider knows lives in its folder. */
export const BUILTIN_PROVIDERS: readonly BuiltinProvider[] = [
  { id: 'openai', name: 'OpenAI', defaultBaseUrl: OPENAI_DEFAULT_BASE_URL, create: createOpenAIProvider },
  { id: 'anthropic', name: 'Anthropic', defaultBaseUrl: ANTHROPIC_DEFAULT_BASE_URL, create: createAnthropicProvider },
  { id: 'gemini', name: 'Google Gemini', defaultBaseUrl: GEMINI_DEFAULT_BASE_URL, create: createGeminiProvider },
];

/** User-defined providers all speak OpenAI's protocol and live under /custom/<id>. */
export const CUSTOM_PREFIX = 'custom';

export function createCustomProvider(cfg: CompatProviderConfig): ProviderModule {
  return createCompatProvider(cfg);
}
