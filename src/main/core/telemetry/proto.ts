import type protobuf from 'protobufjs';
import { lazyRequire } from '../util/lazy-require.js';

/** Loaded with the types, at the first OTLP request: most installs never receive one. */
const protobufjs = lazyRequire<typeof protobuf>('protobufjs');

/**
 * The OTLP messages Tollgate reads, as protobufjs parses them. Field numbers and types are those of the public
 * opentelemetry-proto definitions (collector/{metrics,logs}/v1 services, metrics/v1, logs/v1, common/v1,
 * resource/v1); the serializers in @opentelemetry/otlp-transformer write the same numbers. Messages Tollgate never
 * reads (exemplars, exponential buckets, profiles) are left out: protobuf decoders skip unknown fields, so a
 * sender's full message still decodes. Field names are the proto's snake_case; protobufjs turns them into the
 * lowerCamelCase names OTLP/JSON uses, so both encodings reach the mapping as the same shape.
 */
const OTLP_PROTO = `
syntax = "proto3";
package otlp;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }

message NumberDataPoint {
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  oneof value { double as_double = 4; sfixed64 as_int = 6; }
  uint32 flags = 8;
}
message HistogramDataPoint {
  repeated KeyValue attributes = 9;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  optional double sum = 5;
}
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum { repeated NumberDataPoint data_points = 1; int32 aggregation_temporality = 2; bool is_monotonic = 3; }
message Histogram { repeated HistogramDataPoint data_points = 1; int32 aggregation_temporality = 2; }
message Metric {
  string name = 1;
  string description = 2;
  string unit = 3;
  oneof data { Gauge gauge = 5; Sum sum = 7; Histogram histogram = 9; }
}
message ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; string schema_url = 3; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; string schema_url = 3; }
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ExportMetricsPartialSuccess { int64 rejected_data_points = 1; string error_message = 2; }
message ExportMetricsServiceResponse { ExportMetricsPartialSuccess partial_success = 1; }

message LogRecord {
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2;
  string severity_text = 3;
  AnyValue body = 5;
  repeated KeyValue attributes = 6;
  uint32 dropped_attributes_count = 7;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  string event_name = 12;
}
message ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; string schema_url = 3; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; string schema_url = 3; }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ExportLogsPartialSuccess { int64 rejected_log_records = 1; string error_message = 2; }
message ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }

// google.rpc.Status, the body of OTLP/HTTP error responses (details left out: Tollgate sends none).
message Status { int32 code = 1; string message = 2; }
`;

export interface OtlpTypes {
  metricsRequest: protobuf.Type;
  metricsResponse: protobuf.Type;
  logsRequest: protobuf.Type;
  logsResponse: protobuf.Type;
  status: protobuf.Type;
}

/** Parses the schema once per intake (not at import time: most runs never receive OTLP). */
export function createOtlpTypes(): () => OtlpTypes {
  let types: OtlpTypes | null = null;
  return () => {
    if (!types) {
      const root = protobufjs().parse(OTLP_PROTO, { keepCase: false }).root;
      types = {
        metricsRequest: root.lookupType('otlp.ExportMetricsServiceRequest'),
        metricsResponse: root.lookupType('otlp.ExportMetricsServiceResponse'),
        logsRequest: root.lookupType('otlp.ExportLogsServiceRequest'),
        logsResponse: root.lookupType('otlp.ExportLogsServiceResponse'),
        status: root.lookupType('otlp.Status'),
      };
    }
    return types;
  };
}
