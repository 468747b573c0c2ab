import { describe, expect, it } from 'vitest';
import { createReconciler } from '../../../../src/main/core/telemetry/reconcile.js';
import { createSeriesTracker } from '../../../../src/main/core/telemetry/series.js';
import type { MetricPoint } from '../../../../src/main/core/telemetry/shape.js';

const point = (o: Partial<MetricPoint>): MetricPoint => ({
  name: 'claude_code.cost.usage',
  unit: 'USD',
  kind: 'sum',
  delta: false,
  value: 0,
  startNs: '1000',
  timeNs: '2000',
  attrs: { 'session.id': 's1', model: 'claude-opus-4-8' },
  resource: { 'service.name': 'claude-code' },
  scope: 'com.anthropic.claude_code',
  ...o,
});

describe('metric series', () => {
  it('counts a cumulative series by its growth, a re-sent or older total as nothing, and a restart from zero', () => {
    const t = createSeriesTracker(undefined);
    expect(t.increment(point({ value: 0.5, timeNs: '2000' }))).toBe(0.5);
    expect(t.increment(point({ value: 0.5, timeNs: '3000' }))).toBe(0);
    expect(t.increment(point({ value: 0.75, timeNs: '4000' }))).toBe(0.25);
    // A retry of an earlier export arrives late.
    expect(t.increment(point({ value: 0.5, timeNs: '3000' }))).toBe(0);
    // The process restarted: a new start time, counting from zero again.
    expect(t.increment(point({ value: 0.1, startNs: '5000', timeNs: '6000' }))).toBe(0.1);
    // Another session is another series.
    expect(t.increment(point({ value: 0.3, attrs: { 'session.id': 's2', model: 'claude-opus-4-8' } }))).toBe(0.3);
  });

  it('counts each delta point once, and remembers that across a restart', () => {
    const t = createSeriesTracker(undefined);
    expect(t.increment(point({ delta: true, value: 0.2, startNs: '1000', timeNs: '2000' }))).toBe(0.2);
    expect(t.increment(point({ delta: true, value: 0.2, startNs: '1000', timeNs: '2000' }))).toBe(0);
    expect(t.increment(point({ delta: true, value: 0.2, startNs: '2000', timeNs: '3000' }))).toBe(0.2);
    const again = createSeriesTracker(JSON.parse(JSON.stringify(t.snapshot())));
    expect(again.increment(point({ delta: true, value: 0.2, startNs: '2000', timeNs: '3000' }))).toBe(0);
    const cumulative = createSeriesTracker(undefined);
    cumulative.increment(point({ value: 1 }));
    expect(createSeriesTracker(JSON.parse(JSON.stringify(cumulative.snapshot()))).increment(point({ value: 1.5, timeNs: '9000' }))).toBe(0.5);
  });
});

describe('events and metrics of the same calls', () => {
  it('counts the larger running total of each figure, whichever arrives first', () => {
    const r = createReconciler(undefined);
    expect(r.take('k', 'events', [0.01, 100, 10, 0, 0])).toEqual([0.01, 100, 10, 0, 0]);
    expect(r.take('k', 'metrics', [0.01, 100, 10, 0, 0])).toEqual([0, 0, 0, 0, 0]);
    const more = r.take('k', 'metrics', [0.004, 40, 0, 0, 0]);
    expect(more[0]).toBeCloseTo(0.004, 12);
    expect(more.slice(1)).toEqual([40, 0, 0, 0]);
    // The event of that call comes late: it adds nothing the metrics did not already count.
    expect(r.take('k', 'events', [0.004, 40, 0, 0, 0])).toEqual([0, 0, 0, 0, 0]);
    expect(r.take('other', 'metrics', [1, 1, 1, 1, 1])).toEqual([1, 1, 1, 1, 1]);
  });
});
