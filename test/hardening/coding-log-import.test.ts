/**
 * The scale target for the log import: 1 GB of Claude Code transcripts (about a million lines) imported in
 * under 60 s, with Tollgate's RSS under 200 MB, and proxied calls during the import at a p99 within 2× of idle.
 * Full runs (`npm run test:hardening`) import 1 GB; quick runs 100 MB against the same per-MB targets.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { canMeasureRss, describeScale, runImportScale } from '../main/core/coding-logs/import-scale.js';
import { fullRun, recordFigures } from './support/figures.js';

const MB = fullRun() ? 1024 : 100;
const figures = recordFigures('coding-log-import');
afterAll(() => figures.save());

describe.skipIf(!canMeasureRss())(`coding-log import of ${MB} MB`, () => {
  it('imports every call once, within the time, memory and latency targets', async () => {
    const r = await runImportScale(MB * 1024 * 1024);
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
    expect(r.importMs).toBeLessThan(limitMs);
    expect(r.rssPeakMb).toBeLessThan(200);
    expect(r.during.p99).toBeLessThanOrEqual(2 * r.idle.p99);
  }, 900_000);
});
