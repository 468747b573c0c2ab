import { describe, expect, it } from 'vitest';
import { createKeyHasher, fingerprint, hashSecret } from '../../../../src/main/core/keys/fingerprint.js';
import { isSubscriptionToken } from '../../../../src/main/core/providers/auth.js';

describe('key hashing memo', () => {
  it('answers exactly what hashing answers, for more keys than it holds and for keys it has let go', () => {
    const h = createKeyHasher();
    const keys = Array.from({ length: 600 }, (_, i) => `sk-proj-${i}-${'x'.repeat(i % 7)}`);
    for (const round of [0, 1]) {
      for (const k of keys) {
        expect(h.fingerprint(k), `round ${round}`).toBe(fingerprint(k));
        expect(h.hash(k)).toBe(hashSecret(k));
      }
    }
    expect(h.fingerprint('sk-a')).not.toBe(h.fingerprint('sk-b'));
  });
});

describe('subscription tokens', () => {
  it('are recognised by one check', () => {
    expect(isSubscriptionToken('sk-ant-oat01-abc')).toBe(true);
    expect(isSubscriptionToken('sk-ant-api03-abc')).toBe(false);
    expect(isSubscriptionToken('Bearer sk-ant-oat01-abc')).toBe(false);
  });
});
