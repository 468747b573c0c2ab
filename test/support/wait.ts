import type { Core } from '../../src/main/core/create-core.js';
import type { RequestRecord } from '../../src/main/contract/usage.js';

export async function waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The ledger's records (through the admin API), oldest first, once there are at least n. */
export async function records(core: Pick<Core, 'api'>, n: number, timeoutMs = 5000): Promise<RequestRecord[]> {
  return eventually(
    async () => {
      const all = (await core.api['requests.recent']({ limit: 10_000 })).reverse();
      return all.length >= n ? all : null;
    },
    timeoutMs,
    `${n} ledger records`,
  );
}

/** waitFor for probes that must await (an admin call, a file read through a child). */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
