import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { clearableText, fieldPath, optionalDay, optionalText, parseInput } from '../../../../src/main/core/util/schema.js';
import { ValidationError } from '../../../../src/main/core/util/validation.js';

const fail = (schema: z.ZodType, input: unknown): ValidationError => {
  try {
    parseInput(schema, input);
  } catch (e) {
    return e as ValidationError;
  }
  throw new Error('parsed');
};

describe('admin input parsing', () => {
  it('names paths the way the dashboard maps them to fields', () => {
    expect(fieldPath(['priceOverrides', 0, 'inputPerMTok'])).toBe('priceOverrides[0].inputPerMTok');
    expect(fieldPath([])).toBe('input');
  });

  it('names every invalid field, first one as `field`, in words', () => {
    const s = z.strictObject({ n: z.number().int(), kind: z.enum(['a', 'b']), s: z.string().min(1), nested: z.strictObject({ x: z.boolean() }) });
    const e = fail(s, { n: 1.5, s: '', nested: { x: null, y: 1 }, extra: true });
    expect(e.field).toBe('n');
    expect(e.message).toBe('n: must be a whole number; kind: required; s: must not be empty; nested.x: must not be null; nested.y: is not a known field; extra: is not a known field');
  });

  it('keeps a schema\'s own message over the generic words', () => {
    expect(fail(z.strictObject({ from: optionalDay }), { from: '2026-13' }).message).toBe('from: must be a day like 2026-11-28');
  });

  it('reads "", null and absence as none for optional text, and keeps absence apart in a patch', () => {
    const s = z.strictObject({ a: optionalText(), b: clearableText(), c: clearableText() });
    expect(parseInput(s, { a: '  ', c: '' })).toEqual({ a: null, c: null });
    expect(parseInput(s, { b: ' x ' })).toEqual({ a: null, b: 'x' });
  });
});
