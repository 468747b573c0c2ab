import v8 from 'node:v8';

/**
 * Keeps V8's young generation at its starting size (two 1 MB semi-spaces) rather than letting it grow under
 * load to two of 16 MB, which it then keeps for as long as the process lives: in bench/memory.ts that was 32 MB
 * of a 125 MB idle process, its largest single part. The proxy's garbage is short-lived (a request's buffers and
 * objects), so a small young generation mostly means more, equally short, scavenges; bench/cpu.ts measures the
 * cost per request (see README, Performance). --max-semi-space-size would say this directly, but V8 reads it
 * once, when the heap is set up, before any of our code runs; the growth factor it reads at every growth.
 * Called by each entry point (headless.ts, the Electron main), not at import time.
 */
export function capYoungGeneration(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
