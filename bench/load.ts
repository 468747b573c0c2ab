import http from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function once(url: string, body: string, headers: Record<string, string>): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - t0, status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `concurrency` workers send requests back to back for `seconds`. */
export async function run(url: string, body: string, headers: Record<string, string>, concurrency: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        try {
          const r = await once(url, body, headers);
          if (r.status !== 200) errors++;
          latencies.push(r.ms);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { requests: latencies.length, errors, seconds: (performance.now() - t0) / 1000, latenciesMs: latencies };
}

const streamAgent = new http.Agent({ keepAlive: false });

/** Time to the first body chunk and mean gap between chunks of a streamed answer (fresh connections). */
export function stream(url: string, body: string, headers: Record<string, string>): Promise<{ ttfbMs: number; gapsMs: number[] }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(url, { method: 'POST', agent: streamAgent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      const times: number[] = [];
      res.on('data', () => times.push(performance.now()));
      res.on('end', () => {
        const gaps = times.slice(1).map((t, i) => t - times[i]!);
        resolve({ ttfbMs: times[0]! - t0, gapsMs: gaps });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

export const median = (xs: number[]) => percentile(xs, 50);

/**
 * Round by round, `of`'s figure over `base`'s from the same round: the lowest, median and highest. Paths measured
 * round-robin share each round's stretch of the machine's speed, so this is how far one run's ratio can move.
 */
export function roundRatios(of: readonly number[], base: readonly number[]): { low: number; median: number; high: number } {
  if (of.length !== base.length || of.length === 0) throw new Error(`roundRatios: ${of.length} rounds against ${base.length}`);
  const r = of.map((n, i) => n / base[i]!).sort((a, b) => a - b);
  return { low: r[0]!, median: median(r), high: r[r.length - 1]! };
}
