import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunOptions, usage, UsageError } from '../../../src/main/core/cli-options.js';
import { startHeadless, type Headless } from '../../hardening/support/headless.js';
import { tempDir } from '../../support/harness.js';
import { eventually } from '../../support/wait.js';
import { claudeLine } from './coding-logs/logs.js';
import { redactUrl } from '../../../src/main/core/team/connect.js';

describe('--import-coding-logs', () => {
  it('is off by default, on with the flag or TOLLGATE_IMPORT_CODING_LOGS=1, and the flag wins over the env', () => {
    expect(parseRunOptions([], {}).importCodingLogs).toBe(false);
    expect(parseRunOptions(['--import-coding-logs'], {}).importCodingLogs).toBe(true);
    expect(parseRunOptions([], { TOLLGATE_IMPORT_CODING_LOGS: '1' }).importCodingLogs).toBe(true);
    expect(parseRunOptions([], { TOLLGATE_IMPORT_CODING_LOGS: '0' }).importCodingLogs).toBe(false);
    expect(parseRunOptions(['--import-coding-logs'], { TOLLGATE_IMPORT_CODING_LOGS: '0' }).importCodingLogs).toBe(true);
    expect(parseRunOptions(['--port', '0', '--import-coding-logs', '--host', '::1'], {})).toMatchObject({ port: 0, host: '::1', importCodingLogs: true });
  });

  it('refuses a value it does not understand, and --help lists the flag', () => {
    expect(() => parseRunOptions([], { TOLLGATE_IMPORT_CODING_LOGS: 'yes please' })).toThrow(UsageError);
    expect(() => parseRunOptions(['--import-coding-logs=1'], {})).toThrow(/Unknown argument/);
    expect(usage()).toMatch(/--import-coding-logs[\s\S]*TOLLGATE_IMPORT_CODING_LOGS=1[\s\S]*off by default in headless mode/);
  });
});

describe('headless mode imports coding-tool logs only when asked', () => {
  const running: Headless[] = [];
  afterAll(async () => {
    for (const h of running) await h.kill();
  });

  async function serve(importLogs: boolean) {
    const root = tempDir();
    const claude = path.join(root, 'claude');
    fs.mkdirSync(path.join(claude, 'projects', '-home-u-proj'), { recursive: true });
    const ts = new Date(Date.now() - 3600_000).toISOString();
    fs.writeFileSync(path.join(claude, 'projects', '-home-u-proj', 's1.jsonl'), claudeLine({ msgId: 'msg_flag', requestId: 'req_flag', input: 1000, output: 100, ts }) + '\n');
    const h = await startHeadless({
      dataDir: path.join(root, 'data'),
      env: { CLAUDE_CONFIG_DIR: claude, CODEX_HOME: path.join(root, 'codex'), HOME: path.join(root, 'home'), TOLLGATE_NOTIFY: '0', TOLLGATE_IMPORT_CODING_LOGS: importLogs ? '1' : '0' },
      timeoutMs: 60_000,
    });
    running.push(h);
    return h;
  }

  const logRecords = async (h: Headless) => ((await h.admin<{ source?: string }[]>('requests.recent', { limit: 50 })).body.data ?? []).filter((r) => r.source === 'logs');

  it('TOLLGATE_IMPORT_CODING_LOGS=1: the transcript is imported', async () => {
    const h = await serve(true);
    const recs = await eventually(async () => {
      const r = await logRecords(h);
      return r.length ? r : null;
    }, 20_000, 'the imported call');
    expect(recs).toHaveLength(1);
    expect((await h.admin('codingLogs.importNow')).body).toEqual({ ok: true, data: { recorded: 0, enabled: true } });
  }, 90_000);

  it('without it: nothing is read, and the import button says so', async () => {
    const h = await serve(false);
    expect((await h.admin('codingLogs.importNow')).body).toEqual({ ok: true, data: { recorded: 0, enabled: false } });
    expect(await logRecords(h)).toEqual([]);
  }, 90_000);
});

describe('--redis / TOLLGATE_REDIS_URL', () => {
  it('takes the flag over the env var, and neither means no team mode', () => {
    expect(parseRunOptions([], {}).redisUrl).toBeNull();
    expect(parseRunOptions([], { TOLLGATE_REDIS_URL: 'rediss://:pw@redis.example:6380/2' }).redisUrl).toBe('rediss://:pw@redis.example:6380/2');
    expect(parseRunOptions(['--redis', 'redis://127.0.0.1:6379'], { TOLLGATE_REDIS_URL: 'redis://other:1' }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(parseRunOptions(['--redis=redis://a:1'], {}).redisUrl).toBe('redis://a:1');
  });

  it('refuses another scheme without echoing the password', () => {
    expect(() => parseRunOptions(['--redis', 'http://user:secret@host:1'], {})).toThrow(UsageError);
    try {
      parseRunOptions(['--redis', 'http://user:secret@host:1'], {});
    } catch (e) {
      expect((e as Error).message).not.toContain('secret');
    }
  });

  it('shows an address with its password hidden', () => {
    expect(redactUrl('rediss://default:hunter2@redis.example:6380')).toBe('rediss://default:***@redis.example:6380');
    expect(redactUrl('redis://127.0.0.1:6379')).not.toContain('***');
  });
});
