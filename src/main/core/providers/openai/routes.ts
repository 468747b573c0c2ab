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
  return (method, path) => (method === 'POST' ? (table.get(path) ?? null) : null);
}
