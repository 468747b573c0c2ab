import os from 'node:os';
import path from 'node:path';
import { DEFAULT_HOST, DEFAULT_PORT } from './create-core.js';
import { describeProviders } from './providers/describe.js';

export interface RunOptions {
  host: string;
  port: number;
  dataDir: string;
  /** Team mode: the Redis that shared budgets live in (null: this Tollgate runs on its own). */
  redisUrl: string | null;
}

export class UsageError extends Error {}

/** The help text; its list of upstream env vars comes from the provider registry. */
export function usage(): string {
  return `Usage: npm run serve -- [--port N] [--host ADDR] [--data-dir DIR] [--redis URL]

  --port N         port to listen on (env TOLLGATE_PORT, default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR      address to bind (env TOLLGATE_HOST, default ${DEFAULT_HOST})
  --data-dir DIR   where the ledger, settings and keys live (env TOLLGATE_DATA_DIR, default ~/.tollgate)
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
  const redisUrl = flags.get('redis') ?? env.TOLLGATE_REDIS_URL ?? null;
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl)) throw new UsageError(`redis: "${redisUrl.replace(/:[^:@/]*@/, ':***@')}" is not a redis:// or rediss:// address.`);
  return { host, port, dataDir, redisUrl };
}
