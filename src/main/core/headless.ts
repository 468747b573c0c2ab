/**
 * `npm run serve`'s entry (out/main/headless.js): loads and runs the server (serve.ts). Idle memory is looked
 * after once requests stop (util/idle-gc.ts), not by capping V8's young generation, which cost a quarter of the
 * throughput with 100 budgets (README, Performance).
 */
import('./serve.js')
  .then(({ runHeadless }) => runHeadless(process.argv.slice(2), process.env))
  .catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
