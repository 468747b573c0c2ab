import { bearer, credentialOf, headerValue } from '../auth.js';
import type { ProviderModule } from '../types.js';
import { geminiErrorBody } from './errors.js';
import { createGeminiRoutes } from './operations.js';

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

export function createGeminiProvider(baseUrl: string): ProviderModule {
  return {
    id: 'gemini',
    name: 'Google Gemini',
    pricingProviderId: 'google',
    free: false,
    baseUrl,
    clientBasePath: '',
    operation: createGeminiRoutes(),
    // The API key travels in x-goog-api-key or, in older clients, in ?key=.
    credential: (headers, query) => credentialOf(headerValue(headers, 'x-goog-api-key') ?? query.get('key')) ?? bearer(headers),
    authorize({ headers, query }, secret) {
      if (secret === null) return;
      if (query.has('key')) query.set('key', secret);
      else headers['x-goog-api-key'] = secret;
      delete headers.authorization;
    },
    errorBody: geminiErrorBody,
  };
}
