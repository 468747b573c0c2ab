import { describe, expect, it } from 'vitest';
import { canMeasureRss, describeScale, runImportScale } from './import-scale.js';

/** The targets for 1 GB: under 60 s and 200 MB. Scaled down here, the rate is per MB. */
const TARGET_MB_PER_SEC = 1024 / 60;
const RSS_LIMIT_MB = 200;

describe.skipIf(!canMeasureRss())('log import at scale (50 MB; the 1 GB run is in test/hardening)', () => {
  it('imports every call once, at the 1 GB-in-60 s rate per CPU second, under 200 MB RSS', async () => {
    const r = await runImportScale(50 * 1024 * 1024);
    console.log(describeScale(r));
    expect(r.recorded).toBe(r.logs.calls);
    // CPU time, not wall time: this suite shares its cores with other work, which only stretches wall time.
    expect(r.mbPerCpuSec).toBeGreaterThan(TARGET_MB_PER_SEC);
    expect(r.rssPeakMb).toBeLessThan(RSS_LIMIT_MB);
  }, 300_000);
});
