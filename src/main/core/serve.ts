/**
 * `npm run serve`: the same core as the app, in plain Node, for machines without a desktop and for tests.
 * A stray import of electron anywhere under this entry fails at once here, which is the point. Started by
 * headless.ts, the entry, once the young generation is capped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNodeNotifier } from './alerts/node-notifier.js';
import { bindWarning } from './bind-warning.js';
import { describeProviders } from './providers/describe.js';
import { parseRunOptions, UsageError } from './cli-options.js';
import { defaultLogRoots } from './coding-logs/roots.js';
import { createCore } from './create-core.js';
import { startIdleGc } from './util/idle-gc.js';
import { findDashboardRoot } from './dashboard/locate.js';
import { createFileSecrets } from './secrets/file-secrets.js';
import { createConfStore } from './store/conf-store.js';
import { createConsoleLogger } from './util/log.js';

/** resources/ sits at the project root: three folders up from the sources, two from the built out/main/. */
function findResource(name: string): string | null {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'resources', name);
    if (fs.existsSync(file)) return file;
    if (path.dirname(dir) === dir) return null;
  }
}

export async function runHeadless(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  let opts;
  try {
    opts = parseRunOptions(argv, env);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(err.message + '\n');
      process.exit(2);
    }
    throw err;
  }
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const log = createConsoleLogger();
  // TOLLGATE_NOTIFY=0 for servers where nobody watches a desktop (budget alerts still reach the log and the webhook).
  const notifier = env.TOLLGATE_NOTIFY === '0' ? null : createNodeNotifier({ icon: findResource('icon.png') });
  const core = createCore({
    dataDir: opts.dataDir,
    store: createConfStore(opts.dataDir),
    secrets: createFileSecrets(opts.dataDir),
    host: opts.host,
    port: opts.port,
    ...(opts.redisUrl ? { redisUrl: opts.redisUrl } : {}),
    // How long a reservation outlives an instance that died holding it (default 30 s); tests shorten it.
    ...(env.TOLLGATE_TEAM_LEASE_MS ? { team: { leaseMs: Number(env.TOLLGATE_TEAM_LEASE_MS) } } : {}),
    // TOLLGATE_HISTORY=0 runs without the history database (the ledger works alone): for the bench, to show what
    // writing every request to disk before its last byte costs. Not a setting: answered requests are then not durable.
    ...(env.TOLLGATE_HISTORY === '0' ? { history: false } : {}),
    log,
    env,
    notifier,
    version: env.npm_package_version,
    // Only on request (--import-coding-logs): the logs of whoever runs the server, from the tools' own folders.
    codingLogs: opts.importCodingLogs
      ? (() => {
          const roots = defaultLogRoots(env);
          return { claudeRoots: roots.claude, codexRoots: roots.codex };
        })()
      : undefined,
    // The renderer electron-vite builds (`npm run serve` builds first); without one, / says how to build it.
    dashboard: { root: findDashboardRoot(path.dirname(fileURLToPath(import.meta.url))) ?? path.resolve('out/renderer') },
  });
  let bound;
  try {
    bound = await core.start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(
      e.code === 'EADDRINUSE' ? `Port ${opts.port} on ${opts.host} is in use; pass --port or set TOLLGATE_PORT.\n` : `Could not start: ${e.message}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`Tollgate listening on ${bound.url}\n`);
  for (const p of describeProviders()) process.stdout.write(`  ${`${p.name}:`.padEnd(10)} ${bound.url}${p.clientPath}\n`);
  if (opts.importCodingLogs) process.stdout.write('  Importing Claude Code and Codex logs (the last 30 days, then as they are written).\n');
  process.stdout.write(`  Admin API: ${bound.url}/api/ (token in ${opts.dataDir}/admin-token)\n  Data:      ${opts.dataDir}\n`);
  const warning = bindWarning(bound.host, path.join(opts.dataDir, 'admin-token'));
  if (warning) process.stderr.write(`${warning}\n`);
  process.stdout.write(`  Dashboard: ${core.dashboardLoginUrl()}\n             (a one-time sign-in link, valid 10 minutes; later, sign in at ${bound.url}/login with the admin token)\n`);

  // Idle memory: one collection once requests stop (util/idle-gc.ts says why).
  const idleGc = startIdleGc((f) => core.events.on('request.recorded', f));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    idleGc?.stop();
    log.info(`${signal}: saving and stopping`);
    core.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
