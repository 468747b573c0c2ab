import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatPercent,
  formatRelative,
  formatReset,
  formatSpan,
  formatTime,
  formatTokenPair,
  formatTokens,
  formatUsd,
  formatUsdAxis,
  formatDay,
} from '../../../src/renderer/src/lib/format';

describe('money', () => {
  it('shows totals in dollars and cents with thousands separators', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(48)).toBe('$48.00');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(-3.456)).toBe('-$3.46');
  });

  it('never rounds a real charge down to nothing', () => {
    expect(formatUsd(0.004)).toBe('<$0.01');
    expect(formatUsd(0.004, { precise: true })).toBe('$0.004');
    expect(formatUsd(0.00123456, { precise: true })).toBe('$0.0012');
    expect(formatUsd(0.00001, { precise: true })).toBe('<$0.0001');
    expect(formatUsd(2.5, { precise: true })).toBe('$2.50');
  });

  it('reads unpriced (null) as a dash, not as $0', () => {
    expect(formatUsd(null)).toBe('—');
    expect(formatUsd(undefined)).toBe('—');
    expect(formatUsd(Number.NaN)).toBe('—');
  });

  it('labels chart axes with as few digits as tell ticks apart', () => {
    expect(formatUsdAxis(0)).toBe('$0');
    expect(formatUsdAxis(0.0025)).toBe('$0.0025');
    expect(formatUsdAxis(0.005)).toBe('$0.005');
    expect(formatUsdAxis(0.25)).toBe('$0.25');
    expect(formatUsdAxis(2.5)).toBe('$2.5');
    expect(formatUsdAxis(40)).toBe('$40');
    expect(formatUsdAxis(1500)).toBe('$1.5K');
  });
});

describe('tokens, percentages and durations', () => {
  it('counts tokens exactly until they get large', () => {
    expect(formatTokens(1200)).toBe('1,200');
    expect(formatTokens(99_999)).toBe('99,999');
    expect(formatTokens(1_250_000)).toBe('1.3M');
    expect(formatTokens(null)).toBe('—');
  });

  it('shows tokens in and out in one format', () => {
    expect(formatTokenPair(4_000_000, 97_756)).toBe('4M / 97.8K');
    expect(formatTokenPair(1_200, 99_999)).toBe('1,200 / 99,999');
    expect(formatTokenPair(50, 250_000)).toBe('50 / 250K');
  });

  it('gives small percentages a decimal', () => {
    expect(formatPercent(4.46)).toBe('4.5%');
    expect(formatPercent(52.4)).toBe('52%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(120)).toBe('120%');
  });

  it('words latencies and spans', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatSpan(3 * 86_400_000 + 4 * 3_600_000 + 60_000)).toBe('3 d 4 h');
    expect(formatSpan(2 * 3_600_000 + 10 * 60_000)).toBe('2 h 10 min');
    expect(formatRelative(1000, 1000 + 5 * 60_000)).toBe('5 min ago');
    expect(formatRelative(1000 + 45 * 60_000, 1000)).toBe('in 45 min');
  });
});

describe('times in the core zone', () => {
  const t = Date.UTC(2026, 10, 28, 23, 30, 5);
  it('shows clock time in the zone days are counted in', () => {
    expect(formatTime(t, 'UTC')).toBe('23:30:05');
    expect(formatTime(t, 'Asia/Tokyo')).toBe('08:30:05');
    expect(formatDay('2026-12-01')).toBe('Dec 1');
  });

  it('says when a budget starts over', () => {
    expect(formatReset(Date.UTC(2026, 11, 1), t, 'UTC')).toBe('resets in 2 d (Dec 1, 00:00)');
    expect(formatReset(null, t, 'UTC')).toBe('never resets');
  });
});
