import { z } from 'zod';
import type { ApiPart } from '../../contract/api.js';
import { ValidationError } from './validation.js';

/** "priceOverrides[0].inputPerMTok": the path style the dashboard maps back to its form fields. */
export function fieldPath(path: readonly PropertyKey[], root = 'input'): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || root;
}

const NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
};

/** Words for zod's issue codes; a schema's own message (a refinement, a pattern hint) wins over these. */
function words(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'required';
      if (iss.input === null) return 'must not be null';
      return `must be ${NOUNS[iss.expected] ?? iss.expected}`;
    case 'invalid_value':
      if (iss.input === undefined) return 'required';
      return `must be one of ${iss.values.map(String).join(', ')}`;
    case 'too_small': {
      const n = Number(iss.minimum);
      if (iss.origin === 'string') return n <= 1 ? 'must not be empty' : `must be at least ${n} characters`;
      if (iss.origin === 'array') return `must list at least ${n}`;
      return iss.inclusive === false ? `must be greater than ${n}` : `must be at least ${n}`;
    }
    case 'too_big': {
      const n = Number(iss.maximum);
      if (iss.origin === 'string') return `must be at most ${n} characters`;
      if (iss.origin === 'array') return `must list at most ${n}`;
      return iss.inclusive === false ? `must be less than ${n}` : `must be at most ${n}`;
    }
    case 'invalid_union':
      return 'is not valid here';
    default:
      return undefined;
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** One problem per field; an object's unknown keys become one problem each, so each is named. */
export function fieldProblems(issues: readonly z.core.$ZodIssue[], root = 'input'): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const iss of issues) {
    if (iss.code === 'unrecognized_keys') {
      for (const k of iss.keys) out.push({ field: fieldPath([...iss.path, k], root), message: 'is not a known field' });
    } else {
      out.push({ field: fieldPath(iss.path, root), message: iss.message });
    }
  }
  return out;
}

/** Parses an admin input against its schema, or throws one ValidationError naming every invalid field. */
export function parseInput<T>(schema: z.ZodType<T>, raw: unknown, root = 'input'): T {
  const r = schema.safeParse(raw, { reportInput: true, error: words });
  if (r.success) return r.data;
  const problems = fieldProblems(r.error.issues, root);
  const first = problems[0] ?? { field: root, message: 'is not valid' };
  throw new ValidationError(first.field, first.message, problems.map((p) => `${p.field}: ${p.message}`).join('; '));
}

type Output<S, C extends keyof S> = S[C] extends { output: infer O } ? O : never;

/**
 * Builds an API part whose every method validates its whole input against its own schema before the handler
 * runs, so each transport (IPC, HTTP) gets the same checks and the handler sees the schema's output (trimmed
 * strings, nulls for "none"). Curried so the spec is named and the schemas are inferred:
 * `schemaApi<LedgerApiSpec>()({ 'spend.query': spendQuery }, { 'spend.query': async (q) => … })`.
 */
export function schemaApi<S>() {
  return <Z extends { [C in keyof S]: z.ZodType }>(
    schemas: Z,
    handlers: { [C in keyof S]: (input: z.output<Z[C]>) => Promise<Output<S, C>> },
  ): ApiPart<S> => {
    const out: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const name of Object.keys(handlers) as (keyof S & string)[]) {
      const handler = handlers[name] as (input: unknown) => Promise<unknown>;
      const schema = schemas[name];
      out[name] = async (raw) => handler(parseInput(schema, raw));
    }
    return out as ApiPart<S>;
  };
}

/** A method without input: nothing, or an empty object (what HTTP clients send). */
export const noInput = z.strictObject({}).optional();

/** A non-empty trimmed string of at most `max` characters. */
export const text = (max = 500) => z.string().trim().min(1).max(max);

/** An optional filter or label: absent, null or "" (after trimming) mean none. */
export const optionalText = (max = 200) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v ? v : null));

/** In a patch: absent keeps the value, null or "" clears it. */
export const clearableText = (max = 200) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v === undefined ? undefined : v ? v : null));

/** A query whose every field is optional: absent or null means "no filter". */
export const query = <T extends z.ZodType>(schema: T) => z.preprocess((v) => v ?? {}, schema);

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** An inclusive day key such as 2026-11-28. */
export const dayKey = z.string().regex(DAY, 'must be a day like 2026-11-28');

/** A day key, or absent / null / "" for none. */
export const optionalDay = z
  .string()
  .nullable()
  .optional()
  .refine((v) => !v || DAY.test(v), 'must be a day like 2026-11-28')
  .transform((v) => (v ? v : undefined));

/**
 * Errors name the input's fields under `field.` ("provider.baseUrl"), as the dashboard's forms expect for inputs
 * that are one whole record.
 */
export const named = <T extends z.ZodType>(field: string, schema: T) =>
  z.preprocess((v) => ({ [field]: v }), z.object({ [field]: schema })).transform((o) => o[field] as z.output<T>);

/** Inputs that name one thing by id. */
export const byId = z.strictObject({ id: text(200) });
