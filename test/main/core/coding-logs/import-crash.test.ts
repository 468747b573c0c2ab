/**
 * A Tollgate killed (SIGKILL) in the middle of a log import counts every call once after the restart. The stored
 * summary counts what it counted, the history replays what it had not (history/reconcile.ts), and the lines read
 * again are recognised by the saved keys, or, for calls recorded after those were saved, by the history
 * (importer.ts recordedSince). Before this, a kill 60% into a 120 MB import counted 16,678–34,134 of its
 * 56,744 calls twice: the import state is saved every 10 s, the summary every second.
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
  it('counts every call once after the restart: none lost, none twice', async () => {
    const root = tempDir('tollgate-import-crash-');
    const claudeHome = path.join(root, 'claude');
    const staging = path.join(root, 'staging');
    fs.mkdirSync(claudeHome, { recursive: true });
    const logs = generateClaudeLogs(staging, { bytes: 100 * 1024 * 1024, fileBytes: 2 * 1024 * 1024, now: Date.now() });
    execFileSync('sync');
    const env = { TOLLGATE_IMPORT_CODING_LOGS: '1', CLAUDE_CONFIG_DIR: claudeHome, CODEX_HOME: path.join(root, 'codex'), HOME: root, TOLLGATE_NOTIFY: '0' };
    const dataDir = path.join(root, 'data');
    const first = await startHeadless({ dataDir, env, timeoutMs: 60_000 });
    let atKill = 0;
    try {
      fs.renameSync(path.join(staging, 'projects'), path.join(claudeHome, 'projects'));
      // Killed once most of it is imported: the summary has been saved several times by then, the import state not.
      const t0 = Date.now();
      while ((atKill = await logged(first)) < logs.calls * 0.6 && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
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
      expect(n).toBe(logs.calls);
    } finally {
      await second.kill();
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 300_000);
});
