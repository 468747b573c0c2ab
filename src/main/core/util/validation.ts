/**
 * An input error that names the field at fault; the admin API and IPC turn it into { code, message, field }.
 * When several fields are invalid, `field` is the first and the message names them all (util/schema.ts).
 */
export class ValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
    text = `${field}: ${message}`,
  ) {
    super(text);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

export function requireObject(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ValidationError(field, 'must be an object');
  return v as Record<string, unknown>;
}

export function requireString(v: unknown, field: string, opts: { min?: number; max?: number; pattern?: RegExp; hint?: string } = {}): string {
  if (typeof v !== 'string') throw new ValidationError(field, 'must be a string');
  const s = v.trim();
  if (s.length < (opts.min ?? 1)) throw new ValidationError(field, opts.min === 0 ? 'must be a string' : 'must not be empty');
  if (s.length > (opts.max ?? 500)) throw new ValidationError(field, `must be at most ${opts.max ?? 500} characters`);
  if (opts.pattern && !opts.pattern.test(s)) throw new ValidationError(field, opts.hint ?? `must match ${opts.pattern}`);
  return s;
}

export function optionalString(v: unknown, field: string, opts: { max?: number } = {}): string | null {
  if (v === undefined || v === null || v === '') return null;
  return requireString(v, field, { max: opts.max ?? 200 });
}

export function requireNumber(v: unknown, field: string, opts: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(field, 'must be a number');
  if (opts.integer && !Number.isInteger(v)) throw new ValidationError(field, 'must be a whole number');
  if (opts.min !== undefined && (opts.exclusiveMin ? v <= opts.min : v < opts.min)) {
    throw new ValidationError(field, opts.exclusiveMin ? `must be greater than ${opts.min}` : `must be at least ${opts.min}`);
  }
  if (opts.max !== undefined && v > opts.max) throw new ValidationError(field, `must be at most ${opts.max}`);
  return v;
}

export function requireBoolean(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw new ValidationError(field, 'must be true or false');
  return v;
}

export function requireOneOf<T extends string>(v: unknown, field: string, options: readonly T[]): T {
  if (typeof v !== 'string' || !options.includes(v as T)) throw new ValidationError(field, `must be one of ${options.join(', ')}`);
  return v as T;
}

export function requireHttpUrl(v: unknown, field: string): string {
  const s = requireString(v, field, { max: 2000 });
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new ValidationError(field, 'must be a URL such as https://api.example.com/v1');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ValidationError(field, 'must start with http:// or https://');
  if (u.search || u.hash) throw new ValidationError(field, 'must not carry a query or fragment');
  return s.replace(/\/+$/, '');
}
