import { operationKey } from '../shared.js';
import type { Operation } from '../types.js';
import { chatCompletions, embeddings, legacyCompletions, responses, type OpenAIOperationOptions } from './operations.js';

/** Maps `/v1/...` paths of the OpenAI API (and compatible ones) to operations. */
export function createOpenAIRoutes(opts: OpenAIOperationOptions, prefix = '/v1'): (method: string, path: string) => Operation | null {
  const table = new Map<string, Operation>([
    [`${prefix}/chat/completions`, chatCompletions(opts)],
    [`${prefix}/responses`, responses()],
    [`${prefix}/embeddings`, embeddings()],
    [`${prefix}/completions`, legacyCompletions(opts)],
  ]);
  // Upstreams differ on case and trailing slashes: a spelling any of them might serve is metered as the
  // operation it names (and forwarded as sent), never passed through unmetered.
  return (method, path) => (method === 'POST' ? (table.get(operationKey(path)) ?? null) : null);
}

