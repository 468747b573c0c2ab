import { describe, expect, it } from 'vitest';
import type { KeyDto } from '../../../src/main/contract/keys';
import { IDLE_AFTER_MS, keyStatus } from '../../../src/renderer/src/lib/key-status';

const NOW = Date.UTC(2026, 10, 28, 12);
const key = (over: Partial<KeyDto>): KeyDto => ({
  id: 'key_1', kind: 'wrapped', label: 'tg_…abcd', name: 'ci', provider: 'openai', project: null, owner: null,
  createdAt: NOW - 30 * 86_400_000, lastSeenAt: null, revokedAt: null, upstreamLabel: 'sk-…wxyz', subscription: false, ...over,
});

describe('key status', () => {
  it('reads revoked before anything else, then unused, idle and active', () => {
    expect(keyStatus(key({ revokedAt: NOW - 1000, lastSeenAt: NOW - 5 }), NOW).state).toBe('revoked');
    expect(keyStatus(key({}), NOW)).toMatchObject({ state: 'unused', label: 'not used yet' });
    expect(keyStatus(key({ lastSeenAt: NOW - IDLE_AFTER_MS - 1 }), NOW).state).toBe('idle');
    expect(keyStatus(key({ lastSeenAt: NOW - IDLE_AFTER_MS }), NOW).state).toBe('active');
  });
});
