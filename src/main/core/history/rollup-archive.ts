import type { RollupRow } from '../../contract/usage.js';
import { addTotals } from '../ledger/rollups.js';
import type { OpenDb } from './db.js';
import type { History } from './history.js';

/** Day rollups moved out of the small store (`tollgate.json`) into the history database, and read back for the ranges that reach them. */
export function createRollupArchive(d: { db: () => OpenDb | null; wrote: (rows: number) => void }): Pick<History, 'archiveRollups' | 'archivedRollups'> {
  return {
    archiveRollups(rows) {
      const o = d.db();
      if (!o || rows.length === 0) return;
      const get = o.db.prepare('SELECT data FROM rollups WHERE day = ? AND provider = ? AND key_id = ? AND model = ? AND project = ? AND user = ? AND run = ?');
      const put = o.db.prepare('INSERT OR REPLACE INTO rollups (day, provider, key_id, model, project, user, run, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      o.db
        .transaction(() => {
          for (const r of rows) {
            // Rollups are kept per user and run too (spend.query groups by them): they are part of the row's identity.
            const key = [r.day, r.provider, r.keyId, r.model, r.project ?? '', r.user ?? '', r.run ?? ''] as const;
            // A late record of an archived day is a second partial sum of it: the two are added, never replaced.
            const had = get.get(...key) as { data: string } | undefined;
            const row = { ...r };
            if (had) addTotals(row, JSON.parse(had.data) as RollupRow);
            put.run(...key, JSON.stringify(row));
          }
        })
        .immediate();
      d.wrote(rows.length);
    },
    archivedRollups(from, to) {
      const o = d.db();
      if (!o) return [];
      const rows = o.db.prepare('SELECT data FROM rollups WHERE day >= ? AND day <= ?').all(from ?? '', to ?? '\uffff') as { data: string }[];
      return rows.map((r) => JSON.parse(r.data) as RollupRow);
    },
  };
}
