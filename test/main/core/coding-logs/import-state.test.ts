import { describe, expect, it } from 'vitest';
import { rememberSeen } from '../../../../src/main/core/coding-logs/import-state.js';

describe('the keys of calls already taken', () => {
  it('stay bounded, forgetting the oldest first', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) rememberSeen(seen, `k${i}`, 1000);
    expect(seen.size).toBeLessThanOrEqual(1000 + 10_000);
    expect(seen.size).toBeGreaterThanOrEqual(1000);
    expect(seen.has('k49999')).toBe(true);
    expect(seen.has('k0')).toBe(false);
    // The newest thousand are always kept.
    for (let i = 49_000; i < 50_000; i++) expect(seen.has(`k${i}`)).toBe(true);
  });

  it('forgetting is not quadratic: a million keys through a 100,000-key bound in well under a second of work each 100k', () => {
    const seen = new Set<string>();
    const t = performance.now();
    for (let i = 0; i < 1_000_000; i++) rememberSeen(seen, `k${i}`);
    const ms = performance.now() - t;
    // Evicting one at a time took about 70 µs a key at this size (70 s here); batched it is a few hundred ms.
    expect(ms).toBeLessThan(10_000);
  });
});
