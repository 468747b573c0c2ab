import { describe, expect, it } from 'vitest';
import { runName } from '../../src/shared/run-label.js';

describe('run names', () => {
  it('adds "run" only when the id does not already start with it', () => {
    expect(runName('Agents', 'run-20261130-7f3a')).toBe('Agents · run-20261130-7f3a');
    expect(runName('Agents', 'Run_42')).toBe('Agents · Run_42');
    expect(runName('Agents', '42')).toBe('Agents · run 42');
    expect(runName('Agents', 'runner-3')).toBe('Agents · run runner-3');
    expect(runName('Agents', null)).toBe('Agents');
  });
});
