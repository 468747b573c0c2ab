import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const MODULE = path.resolve('src/main/core/util/young-generation.ts');

/**
 * In a fresh process (the test runner's own young generation has grown long since): caps the young generation
 * or not, starts a worker thread, then makes garbage with survivors, the kind that makes V8 grow its young
 * generation; prints how many times larger the new space became.
 */
function newSpaceGrowthAfterWorker(cap: boolean): number {
  const script = `
    import v8 from 'node:v8';
    import { Worker } from 'node:worker_threads';
    const { capYoungGeneration } = await import(${JSON.stringify(MODULE)});
    const size = () => v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space').space_size / 1048576;
    if (${cap}) capYoungGeneration();
    const before = size();
    const w = new Worker('setTimeout(() => {}, 200)', { eval: true });
    await new Promise((r) => w.once('online', r));
    await new Promise((r) => setImmediate(r));
    let keep = [];
    for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 20000) keep = []; }
    console.log(size() / before);
    await new Promise((r) => w.once('exit', r));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  return Number(out.trim().split('\n').pop());
}

describe('capYoungGeneration', () => {
  it('keeps the young generation small after a worker thread starts (a heap set-up resets the flag)', () => {
    // V8's own growth doubles it at each step up to 16 MB semi-spaces; capped, it stays as it was.
    expect(newSpaceGrowthAfterWorker(false)).toBeGreaterThanOrEqual(2);
    expect(newSpaceGrowthAfterWorker(true)).toBe(1);
  });
});
