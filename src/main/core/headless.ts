/**
 * `npm run serve`'s entry (out/main/headless.js). It caps V8's young generation before anything else loads, then
 * loads and runs the server (serve.ts): loading the core's modules alone grows the young generation to 16 MB,
 * which V8 keeps for the life of the process (util/young-generation.ts says why it is capped). So this file
 * imports nothing else statically.
 */
import { capYoungGeneration } from './util/young-generation.js';

capYoungGeneration();
import('./serve.js')
  .then(({ runHeadless }) => runHeadless(process.argv.slice(2), process.env))
  .catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
