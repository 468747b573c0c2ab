import v8 from 'node:v8';
import type { Worker } from 'node:worker_threads';

const CAP = '--semi-space-growth-factor=1';

/**
 * Keeps V8's young generation at its starting size (two 1 MB semi-spaces) rather than letting it grow under
 * load to two of 16 MB, which it then keeps for as long as the process lives: in bench/memory.ts that was 32 MB
 * of a 125 MB idle process, its largest single part. The proxy's garbage is short-lived (a request's buffers and
 * objects), so a small young generation mostly means more, equally short, scavenges; bench/cpu.ts measures the
 * cost per request (see README, Performance). --max-semi-space-size would say this directly, but V8 reads it
 * once, when the heap is set up, before any of our code runs; the growth factor it reads at every growth.
 *
 * The flag is process-wide, and setting up a heap raises a growth factor below 2 back to 2: every worker
 * thread's start (the history's checkpointer, history/checkpointer.ts) undid the cap for the main thread too,
 * whose young generation then grew to 8 MB within a few thousand requests (bench/memory.ts) and to 32 MB under
 * longer load. So it is set again once each worker is running, past its heap's set-up.
 * Called by each entry point (headless.ts, the Electron main), not at import time.
 */
export function capYoungGeneration(): void {
  v8.setFlagsFromString(CAP);
  if (process.listeners('worker').includes(onWorker)) return;
  process.on('worker', onWorker);
}

function onWorker(worker: Worker): void {
  worker.once('online', () => v8.setFlagsFromString(CAP));
}
