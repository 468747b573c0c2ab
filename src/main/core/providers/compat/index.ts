import { bearer, credentialOf, headerValue } from '../auth.js';
import { openaiErrorBody } from '../openai/errors.js';
import { createOpenAIRoutes } from '../openai/routes.js';
import type { Operation, ProviderModule } from '../types.js';

/** A user-defined OpenAI-compatible provider (OpenRouter, Groq, Mistral, DeepSeek, xAI, Together, Ollama, Azure…). */
export interface CompatProviderConfig {
  id: string;
  name: string;
  /** The provider's OpenAI-compatible base URL, e.g. https://openrouter.ai/api/v1 or http://127.0.0.1:11434/v1. */
  baseUrl: string;
  /** How its models are priced: a genai-prices provider id ("groq", "openrouter"…), or null for overrides only. */
  pricingProviderId: string | null;
  /** Local models: spend is recorded as $0 on purpose. */
  free: boolean;
  /** Azure OpenAI takes the key in `api-key`; everyone else in a bearer. */
  authHeader: 'bearer' | 'api-key';
  /** Ask for stream usage when the client did not; off for servers that reject stream_options. */
  injectStreamUsage: boolean;
  /** The model to record when the body names none (Azure deployments put it in the path). */
  defaultModel: string | null;
}

/** Custom providers run models of every family, few of them tokenised with o200k: the cautious margin. */
export const COMPAT_TOKENIZER_MARGIN = 1.35;

export function createCompatProvider(cfg: CompatProviderConfig): ProviderModule {
  const routes = createOpenAIRoutes({ injectStreamUsage: cfg.injectStreamUsage, outputCapField: 'max_tokens' }, '');
  const withDefaultModel = (op: Operation): Operation =>
    cfg.defaultModel
      ? {
          ...op,
          inspect(body, path, query) {
            const info = op.inspect(body, path, query);
            return info.model ? info : { ...info, model: cfg.defaultModel };
          },
        }
      : op;
  const cache = new Map<Operation, Operation>();
  return {
    id: cfg.id,
    name: cfg.name,
    pricingProviderId: cfg.pricingProviderId,
    free: cfg.free,
    tokenizerMargin: COMPAT_TOKENIZER_MARGIN,
    baseUrl: cfg.baseUrl,
    clientBasePath: '',
    operation(method, path) {
      // Paths are appended to the provider's own base URL as they come: clients point at /custom/<id>.
      const op = routes(method, path);
      if (!op) return null;
      let wrapped = cache.get(op);
      if (!wrapped) cache.set(op, (wrapped = withDefaultModel(op)));
      return wrapped;
    },
    credential: (headers) => (cfg.authHeader === 'api-key' ? credentialOf(headerValue(headers, 'api-key')) : bearer(headers)),
    authorize({ headers }, secret) {
      if (secret === null) return;
      if (cfg.authHeader === 'api-key') headers['api-key'] = secret;
      else headers.authorization = `Bearer ${secret}`;
    },
    errorBody: openaiErrorBody,
  };
}
