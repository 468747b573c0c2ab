import type { ApiErrorDto } from '../../contract/api.js';
import { NotFoundError, ValidationError } from '../util/validation.js';

/** Maps what a handler threw to the error envelope and an HTTP status. */
export function toApiError(err: unknown): { status: number; error: ApiErrorDto } {
  if (err instanceof ValidationError) return { status: 400, error: { code: 'invalid', message: err.message, field: err.field } };
  if (err instanceof NotFoundError) return { status: 404, error: { code: 'not_found', message: err.message } };
  return { status: 500, error: { code: 'internal', message: (err as Error)?.message ?? String(err) } };
}
