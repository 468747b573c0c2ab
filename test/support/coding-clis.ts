/**
 * Runs the real coding CLIs from npm (Claude Code, Codex) as a user would, isolated from this machine's own
 * settings: HOME, CLAUDE_CONFIG_DIR and CODEX_HOME in a temp folder, telemetry, error reports and update checks off
 * (the variables each tool documents), and only the environment given here, so that a developer's own keys or base
 * URLs never leak into a test.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './harness.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

export interface Cli {
  /** Why the CLI cannot run here, or null when it can. */
  skip: string | null;
  bin: string;
}

/** The CLI's binary under node_modules/.bin, and whether it starts (`--version` answers with `expect`). */
export function findCli(name: 'claude' | 'codex', expect: RegExp): Cli {
  const bin = path.resolve('node_modules', '.bin', name);
  if (!fs.existsSync(bin)) return { skip: `${bin} is not installed`, bin };
  const v = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, HOME: tempDir('tollgate-cli-') } });
  if (v.status !== 0) return { skip: `${name} --version failed: ${(v.stderr || v.error?.message || '').slice(0, 200)}`, bin };
  if (!expect.test(v.stdout)) return { skip: `${name} is ${v.stdout.trim()}, not the version these tests were written against`, bin };
  return { skip: null, bin };
}

export function runCli(bin: string, args: string[], opts: { env: Record<string, string>; cwd: string; timeoutMs?: number }): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd, env: { PATH: process.env.PATH ?? '', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 45_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: performance.now() - started });
    });
  });
}

/** A fresh HOME with an empty project folder inside it. */
export function isolatedHome(): { home: string; cwd: string } {
  const home = tempDir('tollgate-cli-home-');
  const cwd = path.join(home, 'project');
  fs.mkdirSync(cwd);
  return { home, cwd };
}

/** Claude Code's environment: its base URL at Tollgate and nothing it does not need. */
export function claudeEnv(home: string, tollgateUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  const config = path.join(home, '.claude');
  fs.mkdirSync(config, { recursive: true });
  return {
    HOME: home,
    CLAUDE_CONFIG_DIR: config,
    ANTHROPIC_BASE_URL: `${tollgateUrl}/anthropic`,
    ANTHROPIC_API_KEY: 'sk-ant-api03-clitest-0000000000000000000000',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...extra,
  };
}

/**
 * Codex's environment and config.toml. `websocket`: the README's one-line setting (`openai_base_url`), with which
 * Codex tries its WebSocket transport first; otherwise a provider with `supports_websockets = false` (HTTPS only).
 */
export function codexEnv(home: string, tollgateUrl: string, transport: 'websocket' | 'https'): Record<string, string> {
  const codexHome = path.join(home, '.codex');
  fs.mkdirSync(codexHome, { recursive: true });
  const base = `${tollgateUrl}/openai/v1`;
  const toml =
    transport === 'websocket'
      ? `openai_base_url = "${base}"\nmodel = "gpt-5"\n`
      : [
          'model_provider = "tollgate"',
          'model = "gpt-5"',
          '[model_providers.tollgate]',
          'name = "Tollgate"',
          `base_url = "${base}"`,
          'env_key = "OPENAI_API_KEY"',
          'wire_api = "responses"',
          'supports_websockets = false',
          '',
        ].join('\n');
  // Analytics off, and OTel metrics off (their default exporter reports to OpenAI).
  fs.writeFileSync(path.join(codexHome, 'config.toml'), `${toml}\n[analytics]\nenabled = false\n\n[otel]\nmetrics_exporter = "none"\n`);
  return { HOME: home, CODEX_HOME: codexHome, OPENAI_API_KEY: 'sk-proj-clitest000000000000000001' };
}

export const CODEX_ARGS = ['exec', '--skip-git-repo-check', '--ephemeral'];
