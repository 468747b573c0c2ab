import { describe, expect, it } from 'vitest';
import { requestDetailRows } from '../../../src/renderer/src/lib/request-detail';
import { record, T0 } from '../support/fixtures';

describe('request details', () => {
  it('names project, user, run, every token kind, the price entry and the error reason', () => {
    const r = record({
      ts: T0,
      provider: 'anthropic',
      operation: 'messages',
      model: 'claude-sonnet-4-5',
      responseModel: 'claude-sonnet-4-5-20250929',
      project: 'billing',
      user: 'ana',
      run: 'run-42',
      status: 502,
      stream: true,
      flags: ['error'],
      usage: { inputTokens: 120_000, cacheReadTokens: 100_000, cacheWrite5mTokens: 15_000, cacheWrite1hTokens: 0, outputTokens: 2_000, reasoningTokens: 500 },
      costUsd: 0.1234,
      pricedModel: 'claude-sonnet-4-5',
      priceSource: 'genai-prices@0.1.8',
      note: 'ECONNRESET',
    });
    expect(requestDetailRows(r, 'Claude Code', 'UTC')).toEqual([
      ['When', 'Nov 28, 12:00, took 420 ms (first byte after 100 ms)'],
      ['Provider', 'anthropic · messages · streamed'],
      ['Model', 'claude-sonnet-4-5 (answered by claude-sonnet-4-5-20250929)'],
      ['Key', 'Claude Code (tg_…key_a)'],
      ['Project', 'billing'],
      ['User', 'ana'],
      ['Run', 'run-42'],
      ['Status', '502 · error'],
      ['Input tokens', '120,000'],
      ['  read from cache', '100,000'],
      ['  written to cache (5 min)', '15,000'],
      ['  written to cache (1 h)', '0'],
      ['Output tokens', '2,000'],
      ['  reasoning', '500'],
      ['Cost', '$0.1234'],
      ['Price entry', 'claude-sonnet-4-5 (genai-prices@0.1.8)'],
      ['Error', 'ECONNRESET'],
    ]);
  });

  it('says when nothing priced it and when a field is empty', () => {
    const rows = new Map(requestDetailRows(record({ costUsd: null, pricedModel: null, priceSource: null, flags: ['unpriced'] }), 'tg_…key_a', 'UTC'));
    expect(rows.get('Cost')).toBe('unpriced');
    expect(rows.get('Price entry')).toBe('none: no price known');
    expect(rows.get('Project')).toBe('—');
    expect(rows.get('Key')).toBe('tg_…key_a');
    expect(rows.has('Error')).toBe(false);
  });
});
