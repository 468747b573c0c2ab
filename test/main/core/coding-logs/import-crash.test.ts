/**
 * A Tollgate killed (SIGKILL) in the middle of a log import loses no call: the restarted process counts what the
 * stored summary had (history/reconcile.ts leaves imported calls after its mark to the importer) and reads the logs
 * again from the cursors stored with it. Imported calls are journaled off the event loop (history/writer.ts).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateClaudeLogs } from '../../../support/coding-log-gen.js';
import { tempDir } from '../../../support/harness.js';
import { startHeadless, type Headless } from '../../../hardening/support/headless.js';

const logged = async (tg: Headless) => {
  const spend = await tg.admin<{ rows: { keyId?: string; requests: number }[] }>('spend.query', { groupBy: ['keyId'] });
  return spend.body.data!.rows.find((r) => r.keyId === 'logs:claude-code')?.requests ?? 0;
};

describe('a log import cut short by a kill', () => {
  it('counts every call after the restart: none lost', async () => {
    const root = tempDir('tollgate-import-crash-');
    const claudeHome = path.join(root, 'claude');
    const staging = path.join(root, 'staging');
    fs.mkdirSync(claudeHome, { recursive: true });
    const logs = generateClaudeLogs(staging, { bytes: 40 * 1024 * 1024, fileBytes: 2 * 1024 * 1024, now: Date.now() });
    execFileSync('sync');
    const env = { TOLLGATE_IMPORT_CODING_LOGS: '1', CLAUDE_CONFIG_DIR: claudeHome, CODEX_HOME: path.join(root, 'codex'), HOME: root, TOLLGATE_NOTIFY: '0' };
    const dataDir = path.join(root, 'data');
    const first = await startHeadless({ dataDir, env, timeoutMs: 60_000 });
    let atKill = 0;
    try {
      fs.renameSync(path.join(staging, 'projects'), path.join(claudeHome, 'projects'));
      // Killed once a good part is imported (and at least one save of the import state has had time to happen).
      const t0 = Date.now();
      while ((atKill = await logged(first)) < logs.calls / 3 && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(logs.calls);
    } finally {
      await first.kill('SIGKILL');
    }
    const second = await startHeadless({ dataDir, env, timeoutMs: 60_000 });
    try {
      const t0 = Date.now();
      let n = 0;
      while ((n = await logged(second)) < logs.calls && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 100));
      const again = await second.admin<{ recorded: number }>('codingLogs.importNow');
      expect(again.body.ok).toBe(true);
      n = await logged(second);
      console.log(`${logs.calls} calls; ${atKill} counted when killed; ${n} after the restart (${n - logs.calls} counted twice)`);
      expect(n).toBeGreaterThanOrEqual(logs.calls);
    } finally {
      await second.kill();
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 300_000);
});
