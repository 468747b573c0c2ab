import { describe, expect, it } from 'vitest';
import { menuLabel } from '../../../src/main/electron/menu-label.js';

describe('menu labels', () => {
  it('double ampersands so names like "R&D" show as written, and leave the rest alone', () => {
    expect(menuLabel('R&D — $41.20 of $60 (69%)')).toBe('R&&D — $41.20 of $60 (69%)');
    expect(menuLabel('A && B')).toBe('A &&&& B');
    expect(menuLabel('Claude Code — <$0.01')).toBe('Claude Code — <$0.01');
  });
});
