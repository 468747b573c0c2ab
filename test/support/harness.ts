import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createCore, type Core, type CoreOptions } from '../../src/main/core/create-core.js';
import { createFileSecrets } from '../../src/main/core/secrets/file-secrets.js';
import { createConfStore } from '../../src/main/core/store/conf-store.js';
import { createSilentLogger } from '../../src/main/core/util/log.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { upstreamEnvFor } from '../../src/main/core/providers/describe.js';

export interface Tollgate {
  core: Core;
  url: string;
  dataDir: string;
  log: ReturnType<typeof createSilentLogger>;
  /** Admin API call through HTTP, as the browser dashboard and curl make it. */
  admin<T = unknown>(channel: string, input?: unknown): Promise<{ status: number; body: { ok: boolean; data?: T; error?: { code: string; message: string; field?: string } } }>;
  stop(): Promise<void>;
}

export function tempDir(prefix = 'tollgate-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A real core on a free loopback port, with conf in a temp folder, pointed at the given upstream for every provider. */
export async function startTollgate(opts: { upstream?: string; dataDir?: string; core?: Partial<CoreOptions> } = {}): Promise<Tollgate> {
  const dataDir = opts.dataDir ?? tempDir();
  const log = createSilentLogger();
  const env: NodeJS.ProcessEnv = {
    ...(opts.upstream ? upstreamEnvFor(opts.upstream) : {}),
    // Routing writes the coding tools' settings files: never the real ones in a test.
    CLAUDE_CONFIG_DIR: path.join(dataDir, 'claude-home'),
    CODEX_HOME: path.join(dataDir, 'codex-home'),
  };
  const core = createCore({
    dataDir,
    store: createConfStore(dataDir),
    secrets: createFileSecrets(dataDir),
    port: 0,
    log,
    env,
    flushIntervalMs: 50,
    ...opts.core,
  });
  const { url } = await core.start();
  return {
    core,
    url,
    dataDir,
    log,
    async admin(channel, input) {
      const res = await fetch(`${url}/api/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${core.adminToken}`, 'content-type': 'application/json' },
        body: input === undefined ? undefined : JSON.stringify(input),
      });
      return { status: res.status, body: (await res.json()) as never };
    },
    stop: () => core.stop(),
  };
}

/**
 * The usual setup of a proxy test file: a fake upstream and a Tollgate pointed at it for the whole file.
 * Read `.fake` and `.tg` inside tests (they are set in beforeAll).
 */
export function useProxyFixture(): { readonly fake: FakeUpstream; readonly tg: Tollgate } {
  const state = {} as { fake: FakeUpstream; tg: Tollgate };
  beforeAll(async () => {
    state.fake = await startFakeUpstream();
    state.tg = await startTollgate({ upstream: state.fake.url });
  });
  afterAll(async () => {
    await state.tg.stop();
    await state.fake.close();
  });
  return state;
}
