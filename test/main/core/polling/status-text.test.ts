import { describe, expect, it } from 'vitest';
import { statusText, type StoredConnection } from '../../../../src/main/core/polling/connections.js';
import type { UsageSource } from '../../../../src/main/core/polling/types.js';

const source = { name: 'OpenAI', keyHint: 'an admin key from platform.openai.com' } as UsageSource;
const conn = (over: Partial<StoredConnection>): StoredConnection =>
  ({ state: 'retrying', lastError: null, lastErrorKind: null, consecutiveFailures: 1, nextPollAt: null, keyListError: null, asOf: null, updatedAt: 0, ...over }) as StoredConnection;

describe('usage connection status in words', () => {
  it('ends a provider message with one full stop, whether or not it brought its own', () => {
    const next = Date.UTC(2026, 10, 30, 4, 5);
    expect(statusText(conn({ lastError: 'HTTP 500: The server had an error while processing your request.', nextPollAt: next }), source)).toBe(
      'OpenAI polling failed once: HTTP 500: The server had an error while processing your request. Trying again at 2026-11-30 04:05 UTC.',
    );
    expect(statusText(conn({ lastError: 'HTTP 502: Bad Gateway', consecutiveFailures: 3, nextPollAt: next }), source)).toBe(
      'OpenAI polling failed 3 times in a row: HTTP 502: Bad Gateway. Trying again at 2026-11-30 04:05 UTC.',
    );
    expect(statusText(conn({ state: 'rejected', lastErrorKind: 'rejected', lastError: '401 (Incorrect API key provided.)' }), source)).toBe(
      'admin key rejected: OpenAI answered 401 (Incorrect API key provided.). Polling has stopped until the key is replaced (an admin key from platform.openai.com).',
    );
    expect(statusText(conn({ state: 'ok', asOf: next, keyListError: 'HTTP 403: Forbidden.' }), source)).toBe(
      "Up to date: OpenAI's figures are as of 2026-11-30 04:05 UTC. Key names unavailable: HTTP 403: Forbidden.",
    );
  });
});
