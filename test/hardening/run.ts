/**
 * `npm run test:hardening`: builds the artifact `npm run serve` runs, runs the hardening tests against it at full
 * length (20 crash rounds, a four-minute soak), then prints the figures table. Extra arguments go to vitest:
 * more test files whose figures belong in the table (the security tests), or vitest options. Exits with
 * vitest's status.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FIGURES_DIR } from './support/figures.js';
import { readFigures, renderTable } from './support/report-table.js';

const bin = (name: string) => path.resolve('node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) => spawnSync(cmd, args, { stdio: 'inherit', env, shell: process.platform === 'win32' }).status ?? 1;

if (run(bin('electron-vite'), ['build']) !== 0) process.exit(1);
fs.rmSync(FIGURES_DIR, { recursive: true, force: true });
const status = run(bin('vitest'), ['run', 'test/hardening/', ...process.argv.slice(2)], {
  ...process.env,
  TOLLGATE_HARDENING: process.env.TOLLGATE_HARDENING ?? 'full',
  TOLLGATE_HEADLESS: process.env.TOLLGATE_HEADLESS ?? 'out/main/headless.js',
});
process.stdout.write(`\nHardening figures (${path.relative(process.cwd(), FIGURES_DIR)}):\n\n${renderTable(readFigures())}`);
process.exit(status);
