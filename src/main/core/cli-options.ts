import os from 'node:os';
import path from 'node:path';
import { DEFAULT_HOST, DEFAULT_PORT } from './create-core.js';
import { describeProviders } from './providers/describe.js';

export interface RunOptions {
  host: string;
  port: number;
  dataDir: string;
  /** Import Claude Code's and Codex's local logs (off unless asked: a headless machine may be a shared server). */
  importCodingLogs: boolean;
  /** Team mode: the Redis that shared budgets live in (null: this Tollgate runs on its own). */
  redisUrl: string | null;
}

export class UsageError extends Error {}

/** The help text; its list of upstream env vars comes from the provider registry. */
export function usage(): string {
  return `Usage: npm run serve -- [--port N] [--host ADDR] [--data-dir DIR] [--import-coding-logs] [--redis URL]

  --port N         port to listen on (env TOLLGATE_PORT, default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR      address to bind (env TOLLGATE_HOST, default ${DEFAULT_HOST})
  --data-dir DIR   where the ledger, settings and keys live (env TOLLGATE_DATA_DIR, default ~/.tollgate)
  --import-coding-logs
                   import this user's Claude Code and Codex logs (the last 30 days, then as they are written;
                   env TOLLGATE_IMPORT_CODING_LOGS=1; off by default in headless mode, on in the app)
  --redis URL      team mode: share budgets through this Redis, redis:// or rediss:// (env TOLLGATE_REDIS_URL)
  ${describeProviders()
    .map((p) => p.upstreamEnv)
    .join(', ')} override upstreams.`;
}

/** Flags win over env vars, env vars over defaults. */
export function parseRunOptions(argv: readonly string[], env: NodeJS.ProcessEnv): RunOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') throw new UsageError(usage());
    if (a === '--import-coding-logs') {
      flags.set('import-coding-logs', '1');
      continue;
    }
    const m = /^--(port|host|data-dir|redis)(?:=(.*))?$/.exec(a);
    if (!m) throw new UsageError(`Unknown argument "${a}".\n${usage()}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${m[1]} needs a value.\n${usage()}`);
    flags.set(m[1]!, value);
  }
  const portText = flags.get('port') ?? env.TOLLGATE_PORT ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`port: "${portText}" is not a port number (0-65535).`);
  const host = flags.get('host') ?? env.TOLLGATE_HOST ?? DEFAULT_HOST;
  const dataDir = path.resolve(flags.get('data-dir') ?? env.TOLLGATE_DATA_DIR ?? path.join(os.homedir(), '.tollgate'));
  const importText = flags.get('import-coding-logs') ?? env.TOLLGATE_IMPORT_CODING_LOGS ?? '0';
  if (!['0', '1', 'true', 'false', ''].includes(importText)) throw new UsageError(`TOLLGATE_IMPORT_CODING_LOGS: "${importText}" is not 1 or 0.`);
  const redisUrl = flags.get('redis') ?? env.TOLLGATE_REDIS_URL ?? null;
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl)) throw new UsageError(`redis: "${redisUrl.replace(/:[^:@/]*@/, ':***@')}" is not a redis:// or rediss:// address.`);
  return { host, port, dataDir, importCodingLogs: importText === '1' || importText === 'true', redisUrl };
}
