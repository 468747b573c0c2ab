import type { StatusApiSpec, StatusDto } from '../contract/api.js';
import { noInput, schemaApi } from './util/schema.js';

/** The core's status: where it listens, its data folder, problems in words. */
export function createStatusApi(d: { status: () => StatusDto }) {
  return schemaApi<StatusApiSpec>()({ 'status.get': noInput }, { 'status.get': async () => d.status() });
}
