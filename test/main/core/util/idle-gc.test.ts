import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIdleGc, exposeGc } from '../../../../src/main/core/util/idle-gc.js';

describe('createIdleGc', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('collects once per quiet spell after traffic, never while requests come', () => {
    const gc = vi.fn();
    const idle = createIdleGc({ gc, quietMs: 30_000, checkMs: 10_000 });
    idle.start();
    // Quiet from the start: nothing was served, nothing to collect.
    vi.advanceTimersByTime(120_000);
    expect(gc).not.toHaveBeenCalled();
    // A request every 5 s for two minutes.
    for (let t = 0; t < 120_000; t += 5_000) {
      idle.activity();
      vi.advanceTimersByTime(5_000);
    }
    expect(gc).not.toHaveBeenCalled();
    vi.advanceTimersByTime(50_000);
    expect(gc).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(300_000);
    expect(gc).toHaveBeenCalledTimes(1);
    // Traffic again, then quiet again: one more.
    idle.activity();
    vi.advanceTimersByTime(50_000);
    expect(gc).toHaveBeenCalledTimes(2);
    idle.activity();
    idle.stop();
    vi.advanceTimersByTime(300_000);
    expect(gc).toHaveBeenCalledTimes(2);
  });
});

describe('exposeGc', () => {
  it('hands over a working, compacting gc() and leaves no gc global behind', () => {
    const gc = exposeGc();
    expect(gc).toBeTypeOf('function');
    const old = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.physical_space_size;
    let garbage: unknown[] | null = Array.from({ length: 300_000 }, (_, i) => ({ i, s: `x${i}` }));
    // Into the old generation, one object in ten kept: pages a collection leaves mostly empty.
    gc!();
    const kept = garbage.filter((_, i) => i % 10 === 0);
    const before = { used: process.memoryUsage().heapUsed, old: old() };
    garbage = null;
    gc!();
    // About 20 MB of objects were let go; a full collection frees them, and compacting gives their pages back.
    expect(before.used - process.memoryUsage().heapUsed).toBeGreaterThan(10 * 1048576);
    expect(before.old - old()).toBeGreaterThan(5 * 1048576);
    expect(kept).toHaveLength(30_000);
    expect(vm.runInNewContext('typeof gc')).toBe('undefined');
  });
});
