import type { Figures } from './call.js';

/** Sessions × models remembered (persisted); a session's figures stop mattering once it has ended. */
const MAX_KEYS = 5_000;

export interface ReconcileSnapshot {
  entries: [string, { events: Figures; metrics: Figures }][];
}

export interface Reconciler {
  /**
   * Claude Code reports each call twice: as an `api_request` event and inside its cost and token metrics. Per
   * tool × user × session × model, each figure counts the larger of the two running totals, so whichever arrives
   * first is counted and the other adds only what it knows beyond it (an exporter that sends only metrics, or
   * only events, is counted in full). Returns what this addition adds to the count, figure by figure.
   */
  take(key: string, from: 'events' | 'metrics', add: Figures): Figures;
  snapshot(): ReconcileSnapshot;
}

export function createReconciler(initial: unknown): Reconciler {
  const totals = new Map<string, { events: Figures; metrics: Figures }>();
  const snap = initial as Partial<ReconcileSnapshot> | undefined;
  if (snap && Array.isArray(snap.entries)) for (const [k, v] of snap.entries) totals.set(k, v);
  return {
    take(key, from, add) {
      let t = totals.get(key);
      if (t) totals.delete(key);
      else t = { events: [0, 0, 0, 0, 0], metrics: [0, 0, 0, 0, 0] };
      totals.set(key, t);
      if (totals.size > MAX_KEYS) totals.delete(totals.keys().next().value as string);
      const other = from === 'events' ? t.metrics : t.events;
      const mine = t[from];
      const out: Figures = [0, 0, 0, 0, 0];
      for (let i = 0; i < 5; i++) {
        const before = Math.max(mine[i]!, other[i]!);
        mine[i] = mine[i]! + add[i]!;
        out[i] = Math.max(mine[i]!, other[i]!) - before;
      }
      return out;
    },
    snapshot: () => ({ entries: [...totals] }),
  };
}
