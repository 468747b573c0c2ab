import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../../../../src/main/core/telemetry/decode.js';
import { logEvents, metricPoints } from '../../../../src/main/core/telemetry/shape.js';

const sum = (temporality: unknown, dataPoints: unknown[]) => ({
  resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] }, scopeMetrics: [{ scope: { name: 'com.anthropic.claude_code' }, metrics: [{ name: 'claude_code.token.usage', unit: 'tokens', sum: { aggregationTemporality: temporality, isMonotonic: true, dataPoints } }] }] }],
});

describe('OTLP/JSON shapes', () => {
  it('reads int64 values given as strings or numbers, and the temporality by number or by name', () => {
    const dp = (v: Record<string, unknown>) => ({ timeUnixNano: '1796000000000000000', startTimeUnixNano: 1796000000000000, ...v, attributes: [{ key: 'n', value: { intValue: '12' } }] });
    const { points, rejected } = metricPoints(sum(1, [dp({ asInt: '900' }), dp({ asDouble: 0.5 }), dp({ asInt: 7 })]));
    expect(rejected).toBe(0);
    expect(points.map((p) => [p.value, p.delta, p.attrs.n, p.timeNs])).toEqual([
      [900, true, 12, '1796000000000000000'],
      [0.5, true, 12, '1796000000000000000'],
      [7, true, 12, '1796000000000000000'],
    ]);
    expect(points[0]!.startNs).toBe('1796000000000000');
    expect(metricPoints(sum('AGGREGATION_TEMPORALITY_DELTA', [dp({ asInt: 1 })])).points[0]!.delta).toBe(true);
    expect(metricPoints(sum(2, [dp({ asInt: 1 })])).points[0]!.delta).toBe(false);
  });

  it('rejects a request of the wrong shape, and names a log record by event.name, event_name or its body', () => {
    expect(() => metricPoints([])).toThrow(OtlpDecodeError);
    expect(() => logEvents({ resourceLogs: [{ scopeLogs: 'x' }] })).toThrow(OtlpDecodeError);
    const events = logEvents({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: [{ key: 'event.name', value: { stringValue: 'api_request' } }] }, { eventName: 'codex.sse_event' }, { body: { stringValue: 'claude_code.api_request' } }, { body: { intValue: 3 } }] }] }],
    });
    expect(events.map((e) => e.name)).toEqual(['api_request', 'codex.sse_event', 'claude_code.api_request']);
  });
});
