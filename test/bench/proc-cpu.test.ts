import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { canReadCpu, cpuPerRequest, readCpu, serverPid } from '../../bench/proc-cpu.js';

// npm run bench's c=1 CPU table reads these; /proc exists only on Linux.
const linux = canReadCpu();

describe.skipIf(!linux)('bench/proc-cpu (needs Linux /proc)', () => {
  it("puts a worker thread's CPU in the process total, not in the main thread's", async () => {
    const before = readCpu(process.pid);
    // The worker spins until its own thread has used 300 ms of CPU (read from /proc/thread-self), however busy the
    // machine is.
    const spin = `
      const fs = require('node:fs');
      const own = () => { const f = fs.readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
      const start = own();
      let x = 0;
      while (own() - start < 300) for (let i = 0; i < 1e5; i++) x = (x * 31 + i) | 0;
    `;
    const w = new Worker(spin, { eval: true });
    await new Promise((resolve) => w.once('exit', resolve));
    const after = readCpu(process.pid);
    const d = cpuPerRequest(before, after, 1);
    // /proc counts in 10 ms ticks.
    expect(d.other).toBeGreaterThanOrEqual(290_000);
    expect(d.total).toBeCloseTo(d.main + d.other, 6);
    expect(d.main).toBeLessThan(d.other);
  });

  it('divides by the requests', () => {
    expect(cpuPerRequest({ main: 100, total: 400 }, { main: 1100, total: 3400 }, 10)).toEqual({ main: 100, other: 200, total: 300 });
  });

  it("finds Tollgate's headless process under its launcher, and takes any other server's pid as is", async () => {
    const launcher = spawn(process.execPath, ['-e', "require('node:child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { stdio: 'inherit' }); setTimeout(() => {}, 10000)"], { stdio: 'ignore' });
    let child = NaN;
    try {
      for (let i = 0; i < 100 && !(child > 0); i++) {
        await new Promise((r) => setTimeout(r, 50));
        try {
          child = serverPid(launcher.pid!, 'tollgate');
        } catch {}
      }
      expect(child).toBeGreaterThan(0);
      expect(child).not.toBe(launcher.pid);
      expect(readCpu(child).total).toBeGreaterThanOrEqual(0);
      expect(serverPid(launcher.pid!, 'pipe')).toBe(launcher.pid);
    } finally {
      if (child > 0) process.kill(child, 'SIGKILL');
      launcher.kill('SIGKILL');
    }
  });
});
