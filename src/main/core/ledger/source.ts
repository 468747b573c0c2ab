import type { RecordSource } from '../../contract/usage.js';

/**
 * The source of a rollup row, from its key: imported records are keyed `logs:<tool>` and telemetry records
 * `telemetry:<tool>` (coding-logs/to-record.ts, telemetry/intake.ts); every other key is a proxied call's.
 */
export function sourceOfKeyId(keyId: string): RecordSource {
  if (keyId.startsWith('logs:')) return 'logs';
  if (keyId.startsWith('telemetry:')) return 'telemetry';
  return 'proxy';
}
