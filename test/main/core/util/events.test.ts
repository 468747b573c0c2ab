import { describe, expect, it } from 'vitest';
import { createEmitter } from '../../../../src/main/core/util/events.js';

describe('createEmitter', () => {
  it('says whether anyone listens, so a costly payload is built only for listeners', () => {
    const events = createEmitter<{ changed: number[] }>();
    expect(events.listening('changed')).toBe(false);
    const got: number[][] = [];
    const off = events.on('changed', (p) => got.push(p));
    expect(events.listening('changed')).toBe(true);
    events.emit('changed', [1, 2]);
    off();
    expect(events.listening('changed')).toBe(false);
    events.emit('changed', [3]);
    expect(got).toEqual([[1, 2]]);
  });

  it('isolates a listener that throws', () => {
    const errors: unknown[] = [];
    const events = createEmitter<{ e: string }>((err) => errors.push(err));
    const seen: string[] = [];
    events.on('e', () => {
      throw new Error('bad adapter');
    });
    events.on('e', (p) => seen.push(p));
    events.emit('e', 'x');
    expect(seen).toEqual(['x']);
    expect(errors).toHaveLength(1);
  });
});
