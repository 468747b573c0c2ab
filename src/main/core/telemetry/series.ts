import { createHash } from 'node:crypto';
import type { MetricPoint } from './shape.js';

/**
 * Bounds on what is remembered (and persisted, so a restart does not count a running total again); the oldest
 * entries go first. Retries come within minutes, and a team has far fewer live series than this.
 */
const MAX_SERIES = 5_000;
const MAX_DELTAS = 20_000;

interface Last {
  startNs: string;
  timeNs: string;
  value: number;
}

export interface SeriesSnapshot {
  cumulative: [string, Last][];
  deltas: string[];
}

export interface SeriesTracker {
  /**
   * What a point adds to its series' total: a delta point once (a retried export repeats its start and end
   * times), a cumulative point its growth since the last value seen (an exporter re-sends the running total every
   * interval). A cumulative series that restarts (new start time, or a smaller value) begins again from zero.
   */
  increment(p: MetricPoint): number;
  snapshot(): SeriesSnapshot;
}

/** A series is its metric, its point attributes and its resource (one process of one exporter), as a short hash. */
export function seriesKey(p: MetricPoint): string {
  const attrs = Object.entries(p.attrs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const res = Object.entries(p.resource).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify([p.name, attrs, res])).digest('base64url').slice(0, 22);
}

export function createSeriesTracker(initial: unknown): SeriesTracker {
  const cumulative = new Map<string, Last>();
  const deltas = new Set<string>();
  const snap = initial as Partial<SeriesSnapshot> | undefined;
  if (snap && Array.isArray(snap.cumulative)) for (const [k, v] of snap.cumulative) cumulative.set(k, v);
  if (snap && Array.isArray(snap.deltas)) for (const k of snap.deltas) deltas.add(k);

  const trim = <T>(m: Map<string, T> | Set<string>, max: number) => {
    while (m.size > max) m.delete(m.keys().next().value as string);
  };

  return {
    increment(p) {
      const key = seriesKey(p);
      if (p.delta) {
        const id = `${key}|${p.startNs}|${p.timeNs}`;
        if (deltas.has(id)) return 0;
        deltas.add(id);
        trim(deltas, MAX_DELTAS);
        return p.value;
      }
      const last = cumulative.get(key);
      if (last && last.startNs === p.startNs && BigInt(p.timeNs) <= BigInt(last.timeNs)) return 0;
      const restarted = !last || last.startNs !== p.startNs || p.value < last.value;
      const inc = restarted ? p.value : p.value - last.value;
      cumulative.delete(key);
      cumulative.set(key, { startNs: p.startNs, timeNs: p.timeNs, value: p.value });
      trim(cumulative, MAX_SERIES);
      return inc;
    },
    snapshot: () => ({ cumulative: [...cumulative], deltas: [...deltas] }),
  };
}
