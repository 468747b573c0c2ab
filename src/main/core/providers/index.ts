import * as anthropic from './anthropic/defaults.js';
import { ANTHROPIC_DEFAULT_BASE_URL, createAnthropicProvider } from './anthropic/index.js';
import { createCompatProvider, type CompatProviderConfig } from './compat/index.js';
import * as gemini from './gemini/defaults.js';
import { createGeminiProvider, GEMINI_DEFAULT_BASE_URL } from './gemini/index.js';
import * as openai from './openai/defaults.js';
import { createOpenAIProvider, OPENAI_DEFAULT_BASE_URL } from './openai/index.js';
import type { ProviderModule } from './types.js';

export interface BuiltinProvider {
  id: string;
  name: string;
  defaultBaseUrl: string;
  create(baseUrl: string): ProviderModule;
  /** How far this provider's token counts can run past the local o200k tokenizer's, as a factor (worst-case estimates). */
  tokenizerMargin: number;
  /** The settings' default degrade map for this provider: requested model → cheaper one. */
  degradeDefaults: Readonly<Record<string, string>>;
}

/** The registry: one line per built-in provider. Everything else a provider knows lives in its folder. */
export const BUILTIN_PROVIDERS: readonly BuiltinProvider[] = [
  { id: 'openai', name: 'OpenAI', defaultBaseUrl: OPENAI_DEFAULT_BASE_URL, create: createOpenAIProvider, tokenizerMargin: openai.tokenizerMargin, degradeDefaults: openai.degradeDefaults },
  { id: 'anthropic', name: 'Anthropic', defaultBaseUrl: ANTHROPIC_DEFAULT_BASE_URL, create: createAnthropicProvider, tokenizerMargin: anthropic.tokenizerMargin, degradeDefaults: anthropic.degradeDefaults },
  { id: 'gemini', name: 'Google Gemini', defaultBaseUrl: GEMINI_DEFAULT_BASE_URL, create: createGeminiProvider, tokenizerMargin: gemini.tokenizerMargin, degradeDefaults: gemini.degradeDefaults },
];

/** User-defined providers all speak OpenAI's protocol and live under /custom/<id>. */
export const CUSTOM_PREFIX = 'custom';

export function createCustomProvider(cfg: CompatProviderConfig): ProviderModule {
  return createCompatProvider(cfg);
}
