import { OtlpDecodeError } from './decode.js';

export type AttrValue = string | number | boolean;
export type Attrs = Record<string, AttrValue>;

/** One number data point of a sum or gauge, with what identifies its series. */
export interface MetricPoint {
  name: string;
  unit: string;
  kind: 'sum' | 'gauge';
  /** OTLP's AggregationTemporality: 1 delta, 2 cumulative (0, unspecified, is read as cumulative). */
  delta: boolean;
  value: number;
  startNs: string;
  timeNs: string;
  attrs: Attrs;
  resource: Attrs;
  scope: string;
}

/** One log record (an event, for Claude Code and Codex). */
export interface LogEvent {
  /** The `event.name` attribute, the record's event_name, or a string body, in that order. */
  name: string;
  timeNs: string;
  attrs: Attrs;
  resource: Attrs;
  scope: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function list(o: Obj, field: string, where: string): Obj[] {
  const v = o[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OtlpDecodeError(`${where}.${field} must be a list`);
  for (const item of v) if (!isObj(item)) throw new OtlpDecodeError(`${where}.${field} must hold objects`);
  return v as Obj[];
}

function obj(o: Obj, field: string, where: string): Obj {
  const v = o[field];
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new OtlpDecodeError(`${where}.${field} must be an object`);
  return v;
}

/** An int64 arrives as a JSON number or a decimal string (OTLP/JSON and protobufjs' `longs: String`). */
function int64(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return null;
}

function anyValue(v: unknown): AttrValue | null {
  if (!isObj(v)) return null;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined) return int64(v.intValue);
  if (typeof v.doubleValue === 'number') return v.doubleValue;
  return null;
}

function attributes(o: Obj, where: string): Attrs {
  const out: Attrs = {};
  for (const kv of list(o, 'attributes', where)) {
    if (typeof kv.key !== 'string') continue;
    const val = anyValue(kv.value);
    if (val !== null) out[kv.key] = val;
  }
  return out;
}

function nanos(v: unknown): string {
  if (typeof v === 'string' && /^\d+$/.test(v)) return v;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return BigInt(Math.trunc(v)).toString();
  return '0';
}

/** Epoch ms from a unix-nanosecond string ("0": not set). */
export function nsToMs(ns: string): number {
  return Number(BigInt(ns) / 1_000_000n);
}

function root(tree: unknown): Obj {
  if (!isObj(tree)) throw new OtlpDecodeError('the request must be an object');
  return tree;
}

/** The number points of an ExportMetricsServiceRequest; histograms are not spend and are passed over. */
export function metricPoints(tree: unknown): { points: MetricPoint[]; rejected: number } {
  const points: MetricPoint[] = [];
  let rejected = 0;
  for (const rm of list(root(tree), 'resourceMetrics', 'request')) {
    const resource = attributes(obj(rm, 'resource', 'resourceMetrics'), 'resource');
    for (const sm of list(rm, 'scopeMetrics', 'resourceMetrics')) {
      const scope = obj(sm, 'scope', 'scopeMetrics');
      const scopeName = typeof scope.name === 'string' ? scope.name : '';
      for (const m of list(sm, 'metrics', 'scopeMetrics')) {
        if (typeof m.name !== 'string') throw new OtlpDecodeError('metric.name must be a string');
        const sum = isObj(m.sum) ? m.sum : null;
        const data = sum ?? (isObj(m.gauge) ? m.gauge : null);
        if (!data) continue;
        // OTLP/JSON sends the enum as its number; some senders spell its name.
        const temporality = sum?.aggregationTemporality;
        const delta = sum !== null && (int64(temporality) === 1 || temporality === 'AGGREGATION_TEMPORALITY_DELTA');
        for (const dp of list(data, 'dataPoints', m.name)) {
          const value = typeof dp.asDouble === 'number' ? dp.asDouble : int64(dp.asInt);
          if (value === null || !Number.isFinite(value)) {
            rejected++;
            continue;
          }
          points.push({
            name: m.name,
            unit: typeof m.unit === 'string' ? m.unit : '',
            kind: sum ? 'sum' : 'gauge',
            delta,
            value,
            startNs: nanos(dp.startTimeUnixNano),
            timeNs: nanos(dp.timeUnixNano),
            attrs: attributes(dp, m.name),
            resource,
            scope: scopeName,
          });
        }
      }
    }
  }
  return { points, rejected };
}

/** The log records of an ExportLogsServiceRequest; a record with no name is not an event and is passed over. */
export function logEvents(tree: unknown): LogEvent[] {
  const events: LogEvent[] = [];
  for (const rl of list(root(tree), 'resourceLogs', 'request')) {
    const resource = attributes(obj(rl, 'resource', 'resourceLogs'), 'resource');
    for (const sl of list(rl, 'scopeLogs', 'resourceLogs')) {
      const scope = obj(sl, 'scope', 'scopeLogs');
      const scopeName = typeof scope.name === 'string' ? scope.name : '';
      for (const lr of list(sl, 'logRecords', 'scopeLogs')) {
        const attrs = attributes(lr, 'logRecord');
        const body = anyValue(lr.body);
        const name = typeof attrs['event.name'] === 'string' ? attrs['event.name'] : typeof lr.eventName === 'string' && lr.eventName ? lr.eventName : typeof body === 'string' ? body : '';
        if (!name) continue;
        const t = nanos(lr.timeUnixNano);
        events.push({ name, timeNs: t === '0' ? nanos(lr.observedTimeUnixNano) : t, attrs, resource, scope: scopeName });
      }
    }
  }
  return events;
}
