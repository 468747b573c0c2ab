import type { LedgerApiSpec } from '../../contract/api.js';
import { schemaApi } from '../util/schema.js';
import type { Ledger } from './ledger.js';
import { addTotals, emptyTotals, groupRollups, type RollupDimension } from './rollups.js';
import { recentQuerySchema, spendQuerySchema } from './schemas.js';
import { sourceOfKeyId } from './source.js';

/** Spend and recent requests, read from the ledger. */
export function createLedgerApi(d: { ledger: Ledger }) {
  return schemaApi<LedgerApiSpec>()(
    { 'spend.query': spendQuerySchema, 'requests.recent': recentQuerySchema },
    {
      'spend.query': async (q) => {
        const rows = d.ledger.rollups(q.from, q.to).filter(
          (r) =>
            (!q.provider || r.provider === q.provider) &&
            (!q.keyId || r.keyId === q.keyId) &&
            (!q.model || r.model === q.model) &&
            (!q.project || r.project === q.project) &&
            (!q.user || r.user === q.user) &&
            (!q.run || r.run === q.run) &&
            (!q.source || sourceOfKeyId(r.keyId) === q.source),
        );
        const totals = emptyTotals();
        for (const r of rows) addTotals(totals, r);
        const by = q.groupBy ?? ['keyId', 'model'];
        // The source is read off the key, so rows are tagged with it only when a query groups by it.
        const grouped = by.includes('source') ? groupRollups(rows.map((r) => ({ ...r, source: sourceOfKeyId(r.keyId) })), by) : groupRollups(rows, by as RollupDimension[]);
        return { from: q.from ?? null, to: q.to ?? null, rows: grouped, totals };
      },
      'requests.recent': async (q) =>
        d.ledger.recent({
          limit: q.limit ?? 100,
          provider: q.provider ?? undefined,
          keyId: q.keyId ?? undefined,
          model: q.model ?? undefined,
          project: q.project ?? undefined,
          flag: q.flag ?? undefined,
          beforeTs: q.beforeTs,
        }),
    },
  );
}
