/** CSV export of spend: rollups (complete, kept per day) and single requests (from the ledger's bounded ring). */
import type { Dimension } from './api-ledger.js';

export interface ExportRange {
  /** Inclusive day keys ("2026-11-01") in the configured time zone. */
  from: string;
  to: string;
}

export interface RollupExportInput extends ExportRange {
  /** The columns to group by; default all five (day, provider, key, model, project). */
  groupBy?: Dimension[];
}

export interface CsvExport {
  filename: string;
  csv: string;
  /** Data rows in the file (the header not counted). */
  rows: number;
  /**
   * Requests only: how many requests in the range the file lacks because the ledger keeps only the most recent
   * ones in full (Settings → recentLimit). Always 0 for rollups, which are kept for every day.
   */
  missing: number;
  /** Why the file may be short, in words; null when it is complete. */
  note: string | null;
}

export interface ExportApiSpec {
  'export.rollups': { input: RollupExportInput; output: CsvExport };
  'export.requests': { input: ExportRange; output: CsvExport };
}

export const EXPORT_CHANNELS = ['export.rollups', 'export.requests'] as const satisfies readonly (keyof ExportApiSpec)[];
