import { describe, expect, it } from 'vitest';
import { validateBudget } from '../../../../src/main/core/budgets/validate.js';
import { defaultSettings } from '../../../../src/main/core/settings/settings.js';
import { ValidationError } from '../../../../src/main/core/util/validation.js';

const base = { name: 'tokens', scope: {}, period: { kind: 'day' } };
const validate = (input: object) => validateBudget(input, null, defaultSettings(), Date.UTC(2026, 10, 30), 'bud_test');

describe('validateBudget (budgets.json and the admin API share it)', () => {
  it('refuses a fractional token limit, which would block every call', () => {
    expect(() => validate({ ...base, limitTokens: 1.5 })).toThrow(ValidationError);
    expect(() => validate({ ...base, limitTokens: 1.5 })).toThrow(/limitTokens.*whole number/);
  });

  it('keeps whole token limits and fractional dollar limits', () => {
    expect(validate({ ...base, limitTokens: 150_000 }).limitTokens).toBe(150_000);
    expect(validate({ ...base, limitUsd: 1.5 }).limitUsd).toBe(1.5);
  });
});
