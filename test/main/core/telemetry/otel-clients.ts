/**
 * The official OpenTelemetry JS SDK and OTLP exporters, set up the way Claude Code sets up its own (the same
 * exporter packages, resource `service.name=claude-code`, meter `com.anthropic.claude_code`, events as log records
 * of `com.anthropic.claude_code.events`), pointed at a Tollgate on loopback.
 */
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

export const CLAUDE_RESOURCE = { 'service.name': 'claude-code', 'service.version': '2.1.197', 'os.type': 'linux', 'host.arch': 'x64' };

export interface MetricsClient {
  cost(usd: number, attrs: Record<string, string>): void;
  tokens(n: number, type: 'input' | 'output' | 'cacheRead' | 'cacheCreation', attrs: Record<string, string>): void;
  /** Exports now. */
  flush(): Promise<void>;
  /** Each export's outcome as the exporter reported it to the SDK (0 success, 1 failed), with its error. */
  results: { code: number; error?: Error }[];
  close(): Promise<void>;
}

export function claudeMetrics(o: { url: string; key: string | null; protocol: 'json' | 'protobuf'; temporality: 'delta' | 'cumulative'; gzip?: boolean }): MetricsClient {
  const config = {
    url: o.url,
    headers: (o.key ? { Authorization: `Bearer ${o.key}` } : {}) as Record<string, string>,
    temporalityPreference: o.temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
    ...(o.gzip ? { compression: CompressionAlgorithm.GZIP } : {}),
  };
  const exporter = o.protocol === 'json' ? new JsonMetricExporter(config) : new ProtoMetricExporter(config);
  const results: { code: number; error?: Error }[] = [];
  const send = exporter.export.bind(exporter);
  exporter.export = (metrics, done) =>
    send(metrics, (r) => {
      results.push(r);
      done(r);
    });
  // A long interval: the test decides when to export, with flush().
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes(CLAUDE_RESOURCE), readers: [reader] });
  const meter = provider.getMeter('com.anthropic.claude_code', '2.1.197');
  const cost = meter.createCounter('claude_code.cost.usage', { unit: 'USD' });
  const tokens = meter.createCounter('claude_code.token.usage', { unit: 'tokens' });
  return {
    cost: (usd, attrs) => cost.add(usd, attrs),
    tokens: (n, type, attrs) => tokens.add(n, { ...attrs, type }),
    flush: () => reader.forceFlush(),
    results,
    close: () => provider.shutdown().catch(() => undefined),
  };
}

export interface ApiRequest {
  model: string;
  input: number;
  output: number;
  cacheRead?: number;
  cacheCreation?: number;
  costUsd: number;
  requestId?: string;
  session: string;
  user?: Record<string, string>;
  ts?: number;
}

function apiRequestRecord(r: ApiRequest, seq: number) {
  return {
    body: 'claude_code.api_request',
    timestamp: r.ts ?? Date.now(),
    attributes: {
      'event.name': 'api_request',
      'event.timestamp': new Date(r.ts ?? Date.now()).toISOString(),
      'event.sequence': seq,
      'session.id': r.session,
      ...r.user,
      model: r.model,
      input_tokens: r.input,
      output_tokens: r.output,
      cache_read_tokens: r.cacheRead ?? 0,
      cache_creation_tokens: r.cacheCreation ?? 0,
      cost_usd: r.costUsd,
      cost_usd_micros: Math.round(r.costUsd * 1e6),
      duration_ms: 1200,
      ...(r.requestId ? { request_id: r.requestId } : {}),
      speed: 'standard',
      query_source: 'repl_main_thread',
      'prompt.id': `prompt-${seq}`,
    },
  };
}

export interface EventsClient {
  apiRequest(r: ApiRequest): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Claude Code's events through the OTLP/HTTP JSON log exporter. */
export function claudeEvents(o: { url: string; key: string | null; gzip?: boolean }): EventsClient {
  const exporter = new OTLPLogExporter({ url: o.url, headers: (o.key ? { 'x-tollgate-key': o.key } : {}) as Record<string, string>, ...(o.gzip ? { compression: CompressionAlgorithm.GZIP } : {}) });
  const provider = new LoggerProvider({ resource: resourceFromAttributes(CLAUDE_RESOURCE), processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('com.anthropic.claude_code.events', '2.1.197');
  let seq = 0;
  return {
    apiRequest: (r) => logger.emit(apiRequestRecord(r, ++seq)),
    flush: () => provider.forceFlush(),
    close: () => provider.shutdown().catch(() => undefined),
  };
}

/** Log records as the SDK hands them to an exporter, for the official protobuf serializer. */
export async function readableApiRequests(list: ApiRequest[]): Promise<ReadableLogRecord[]> {
  const mem = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: resourceFromAttributes(CLAUDE_RESOURCE), processors: [new SimpleLogRecordProcessor({ exporter: mem })] });
  const logger = provider.getLogger('com.anthropic.claude_code.events', '2.1.197');
  list.forEach((r, i) => logger.emit(apiRequestRecord(r, i + 1)));
  await provider.forceFlush();
  const out = mem.getFinishedLogRecords();
  await provider.shutdown();
  return out;
}
