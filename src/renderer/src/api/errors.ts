import type { ApiErrorDto } from '../../../main/contract/api';

/** An error from the core, in words, with the input field at fault when there is one. */
export class ApiError extends Error {
  readonly code: string;
  readonly field: string | undefined;

  constructor(dto: ApiErrorDto) {
    super(dto.message);
    this.name = 'ApiError';
    this.code = dto.code;
    this.field = dto.field;
  }
}

// The core's ValidationError always reads "<field>: <what is wrong>".
const FIELD_PREFIX = /^([A-Za-z_$][\w$]*(?:\[\d+\]|\.[\w$-]+)*): (.+)$/s;

/**
 * Normalises whatever a transport threw. Electron's contextBridge keeps only an Error's message, so over IPC the
 * field is recovered from the message's "field: …" prefix.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { message?: unknown; code?: unknown; field?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const code = typeof e?.code === 'string' ? e.code : 'error';
  let field = typeof e?.field === 'string' ? e.field : undefined;
  if (field === undefined) {
    const m = FIELD_PREFIX.exec(message);
    if (m) field = m[1];
  }
  return new ApiError({ code: field && code === 'error' ? 'invalid' : code, message, field });
}

/** The message without the "field: " prefix, for showing beside the field itself. */
export function messageForField(err: ApiError): string {
  if (err.field && err.message.startsWith(`${err.field}: `)) return err.message.slice(err.field.length + 2);
  return err.message;
}

export function errorText(err: unknown): string {
  return toApiError(err).message;
}
