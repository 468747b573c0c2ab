import { describe, expect, it } from 'vitest';
import { formatLimitUsd, formatPercent, formatTokens, formatUsd } from '../../../../src/main/core/util/money.js';

describe('money and percent formatting', () => {
  it('shows cents, thousands separators, and never rounds a real charge down to $0.00', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(41.2)).toBe('$41.20');
    expect(formatUsd(1204)).toBe('$1,204.00');
    expect(formatUsd(0.004)).toBe('<$0.01');
    expect(formatUsd(0.005)).toBe('$0.01');
    expect(formatUsd(-2.5)).toBe('-$2.50');
  });
  it('shows round limits without cents', () => {
    expect(formatLimitUsd(60)).toBe('$60');
    expect(formatLimitUsd(1500)).toBe('$1,500');
    expect(formatLimitUsd(72.5)).toBe('$72.50');
  });
  it('rounds percentages but keeps 100% for crossed limits', () => {
    expect(formatPercent(68.67)).toBe('69%');
    expect(formatPercent(99.6)).toBe('99%');
    expect(formatPercent(100)).toBe('100%');
    expect(formatPercent(100.4)).toBe('100%');
  });
  it('abbreviates token counts', () => {
    expect(formatTokens(950)).toBe('950');
    expect(formatTokens(1_200_000)).toBe('1.2M');
    expect(formatTokens(2_000_000)).toBe('2M');
  });
});
