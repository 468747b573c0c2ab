import { describe, expect, it } from 'vitest';
import { ApiError, messageForField, toApiError } from '../../../src/renderer/src/api/errors';

describe('errors across transports', () => {
  it('keeps code and field from the HTTP envelope', () => {
    const e = new ApiError({ code: 'invalid', message: 'limitUsd: must be more than 0', field: 'limitUsd' });
    expect(toApiError(e)).toBe(e);
    expect(messageForField(e)).toBe('must be more than 0');
  });

  it('recovers the field from the message when IPC dropped it (contextBridge keeps only the message)', () => {
    const e = toApiError(new Error('period.billingDay: must be at most 28'));
    expect(e.field).toBe('period.billingDay');
    expect(e.code).toBe('invalid');
    expect(messageForField(e)).toBe('must be at most 28');
    expect(toApiError(new Error('thresholds[1]: must be ascending')).field).toBe('thresholds[1]');
  });

  it('does not invent a field for plain sentences', () => {
    const e = toApiError(new Error('Budgets are not available in this build yet.'));
    expect(e.field).toBeUndefined();
    expect(e.message).toBe('Budgets are not available in this build yet.');
    expect(toApiError('boom').message).toBe('boom');
  });
});
