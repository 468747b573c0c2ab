import { bearer, credentialOf, headerValue } from '../auth.js';
import { operationKey } from '../shared.js';
import type { ProviderModule } from '../types.js';
import { anthropicErrorBody } from './errors.js';
import { isSubscriptionToken } from './subscription.js';
import { messages } from './messages.js';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

export function createAnthropicProvider(baseUrl: string): ProviderModule {
  const msg = messages();
  return {
    id: 'anthropic',
    name: 'Anthropic',
    pricingProviderId: 'anthropic',
    free: false,
    baseUrl,
    clientBasePath: '',
    // count_tokens is free and everything else (batches, models, files) passes through unmetered.
    operation: (method, path) => (method === 'POST' && operationKey(path) === '/v1/messages' ? msg : null),
    // Claude Code sends an API key as x-api-key, or a token (ANTHROPIC_AUTH_TOKEN, subscription OAuth) as a bearer.
    credential: (headers) => credentialOf(headerValue(headers, 'x-api-key')) ?? bearer(headers),
    authorize({ headers }, secret) {
      if (secret === null) return;
      // OAuth tokens only work as bearers; API keys belong in x-api-key.
      if (isSubscriptionToken(secret)) {
        headers.authorization = `Bearer ${secret}`;
        delete headers['x-api-key'];
      } else {
        headers['x-api-key'] = secret;
        delete headers.authorization;
      }
    },
    errorBody: anthropicErrorBody,
  };
}
