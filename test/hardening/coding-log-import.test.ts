/**
 * The scale target for the log import: 1 GB of Claude Code transcripts (about a million lines) imported in
 * under 60 s, with Tollgate's RSS under 200 MB, and proxied calls during the import at a p99 within 2× of idle.
 * It runs in full hardening runs (`TOLLGATE_HARDENING=full npm run test:hardening`) and reports itself skipped
 * otherwise: a quick 100 MB import is over in about 2 s, too short for a p99 of proxied calls to mean anything
 * (one store flush or GC pause is the p99), and the normal suite's 50 MB test
 * (test/main/core/coding-logs/import-scale.test.ts) already holds the per-MB rate and the RSS bound.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { canMeasureRss, describeScale, runImportScale } from '../main/core/coding-logs/import-scale.js';
import { fullRun, recordFigures } from './support/figures.js';

const MB = 1024;
const figures = recordFigures('coding-log-import');
afterAll(() => figures.save());

const why = !fullRun() ? ' (skipped: full hardening runs only, TOLLGATE_HARDENING=full)' : !canMeasureRss() ? ' (skipped: no /proc to read RSS from)' : '';
describe.skipIf(why !== '')(`coding-log import of ${MB} MB${why}`, () => {
  it('imports every call once, within the time, memory and latency targets', async () => {
    // 500 idle calls (25 s), as many as the import takes: a p99 of 200 is their 2nd largest, of 500 the 5th.
    const r = await runImportScale(MB * 1024 * 1024, 500);
    console.log(describeScale(r));
    const limitMs = (60_000 * MB) / 1024;
    const checks = [r.recorded === r.logs.calls, r.importMs < limitMs, r.rssPeakMb < 200, r.during.p99 <= 2 * r.idle.p99];
    figures.add({
      section: 'import',
      what: `${MB} MB of Claude Code logs (${r.logs.lines.toLocaleString('en-US')} lines): calls once, < ${(limitMs / 1000).toFixed(0)} s, RSS < 200 MB, p99 ≤ 2× idle`,
      tried: checks.length,
      ok: checks.filter(Boolean).length,
      detail: describeScale(r),
    });
    expect(r.recorded).toBe(r.logs.calls);
    expect(r.rssPeakMb).toBeLessThan(200);
    // Time: 34–45 s wall on this 2-core machine with proxied calls flowing (the import rests longer between its
    // slices while the proxy serves calls: importer.ts BUSY_REST_MS); the CPU time, which load cannot skew, is held too.
    expect(r.importMs).toBeLessThan(limitMs);
    expect(r.cpuSec).toBeLessThan(limitMs / 1000);
    // Latency: over fourteen runs on a quiet machine, p99 12.8–21.5 ms during the import against 8.0–13.4 ms idle,
    // 1.24–1.97× (1.4–2.9× while the import rested 3 ms between slices whether or not calls were flowing). The idle
    // p99 (the test's own client, mostly) moves the ratio most: the margin is thin in a run with a quiet idle phase.
    expect(r.during.p99).toBeLessThanOrEqual(2 * r.idle.p99);
  }, 900_000);
});
