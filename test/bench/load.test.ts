import { describe, expect, it } from 'vitest';
import { roundRatios } from '../../bench/load.js';

// npm run bench's by-round table: each round's figure against the pipe's in the same round.
describe('bench/load roundRatios', () => {
  it('pairs each round with the same round of the base, not with the base sorted', () => {
    // Paired round by round: 0.9, 0.5, 0.5. Pairing the two lists sorted would give 0.50 / 0.56 / 0.80.
    const r = roundRatios([90, 150, 80], [100, 300, 160]);
    expect(r).toEqual({ low: 0.5, median: 0.5, high: 0.9 });
  });

  it('takes the middle of an odd count and the upper middle of an even one', () => {
    expect(roundRatios([1, 2, 3, 4, 5], [1, 1, 1, 1, 1]).median).toBe(3);
    expect(roundRatios([4, 1, 3, 2], [1, 1, 1, 1]).median).toBe(3);
  });

  it('refuses rounds that do not line up', () => {
    expect(() => roundRatios([1, 2], [1])).toThrow(/2 rounds against 1/);
    expect(() => roundRatios([], [])).toThrow();
  });
});
