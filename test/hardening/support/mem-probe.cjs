// Loaded into a Tollgate process under test with `node --expose-gc -r <this file>`: every
// TOLLGATE_MEM_PROBE_MS it collects garbage and appends the process's memory to TOLLGATE_MEM_PROBE (JSON lines),
// so a soak can tell retained memory from garbage not yet collected. Nothing in Tollgate knows about it.
const fs = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const file = process.env.TOLLGATE_MEM_PROBE;
// Under tsx, Node also runs this preload in the module loader's own thread, which has its own heap: skip it.
if (file && isMainThread) {
  const every = Number(process.env.TOLLGATE_MEM_PROBE_MS || 1000);
  const sample = () => {
    if (typeof globalThis.gc === 'function') globalThis.gc();
    const m = process.memoryUsage();
    fs.appendFileSync(file, JSON.stringify({ t: Date.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external }) + '\n');
  };
  sample();
  globalThis.setInterval(sample, every).unref();
}
