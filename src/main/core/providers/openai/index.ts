import { authorizeBearer, bearer } from '../auth.js';
import type { ProviderModule } from '../types.js';
import { openaiErrorBody } from './errors.js';
import { createOpenAIRoutes } from './routes.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com';

export function createOpenAIProvider(baseUrl: string): ProviderModule {
  const route = createOpenAIRoutes({ injectStreamUsage: true, outputCapField: 'max_completion_tokens' });
  return {
    id: 'openai',
    name: 'OpenAI',
    pricingProviderId: 'openai',
    free: false,
    baseUrl,
    clientBasePath: '/v1',
    operation: route,
    credential: (headers) => bearer(headers),
    authorize: authorizeBearer,
    errorBody: openaiErrorBody,
  };
}
