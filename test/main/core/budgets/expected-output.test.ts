import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPECTED_OUTPUT, createExpectedOutput } from '../../../../src/main/core/budgets/expected-output.js';

describe('expected output per key and model', () => {
  it('is min(asked, 4,096) until five calls are known, then their 95th percentile, capped by what is asked', () => {
    const e = createExpectedOutput();
    expect(e.tokens('k', 'm', 64_000)).toBe(DEFAULT_EXPECTED_OUTPUT);
    expect(e.tokens('k', 'm', 1000)).toBe(1000);
    for (const n of [100, 200, 300, 400]) e.record('k', 'm', n);
    expect(e.tokens('k', 'm', 64_000)).toBe(4096);
    e.record('k', 'm', 9000);
    // Five samples: the 95th percentile is the largest.
    expect(e.tokens('k', 'm', 64_000)).toBe(9000);
    expect(e.tokens('k', 'm', 5000)).toBe(5000);
    expect(e.tokens('k', 'other', 64_000)).toBe(4096);
    expect(e.tokens('other', 'm', 64_000)).toBe(4096);
  });

  it('keeps the last 64 calls: old outliers age out', () => {
    const e = createExpectedOutput();
    for (let i = 0; i < 10; i++) e.record('k', 'm', 50_000);
    for (let i = 0; i < 64; i++) e.record('k', 'm', 100 + i);
    // 100..163: the 95th percentile of 64 values is the 61st smallest.
    expect(e.tokens('k', 'm', 64_000)).toBe(160);
  });

  it('remembers a bounded number of key × model pairs, forgetting the least recently fed', () => {
    const e = createExpectedOutput();
    for (let i = 0; i < 5; i++) e.record('keep', 'm', 10);
    for (let p = 0; p < 600; p++) {
      for (let i = 0; i < 5; i++) e.record(`k${p}`, 'm', 20);
      // Fed again now and then, so it stays among the most recent.
      if (p % 100 === 0) e.record('keep', 'm', 10);
    }
    expect(e.tokens('keep', 'm', 64_000)).toBe(10);
    expect(e.tokens('k599', 'm', 64_000)).toBe(20);
    expect(e.tokens('k0', 'm', 64_000)).toBe(4096);
  });

  it('gives the same percentile as sorting the last 64 calls, however they arrive', () => {
    const e = createExpectedOutput();
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const recent: number[] = [];
    for (let i = 0; i < 500; i++) {
      // Repeats and ties on purpose: a value must leave the window exactly once.
      const n = next() % 7 === 0 ? 1000 : next() % 300;
      e.record('k', 'm', n);
      recent.push(n);
      if (recent.length > 64) recent.shift();
      if (recent.length >= 5) {
        const sorted = [...recent].sort((a, b) => a - b);
        expect(e.tokens('k', 'm', 1e9)).toBe(sorted[Math.ceil(sorted.length * 0.95) - 1]);
      }
    }
  });
});
