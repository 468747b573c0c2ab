/** The history database's part of the contract: every request of the retention period, searchable. Types only. */
import type { RequestRecord } from './usage.js';

export interface HistorySearchInput {
  /** Start times, epoch ms: from inclusive, to exclusive. */
  from?: number;
  to?: number;
  provider?: string;
  keyId?: string;
  model?: string;
  project?: string;
  user?: string;
  run?: string;
  flag?: string;
  status?: number;
  minCostUsd?: number;
  /** Newest first (default) or dearest first. */
  sort?: 'time' | 'cost';
  /** Page size, 1–1000 (default 100). */
  limit?: number;
  /** The previous page's `next`. */
  cursor?: string;
}

export interface HistoryPageDto {
  records: RequestRecord[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next: string | null;
}

export interface HistoryInfoDto {
  /** Where the database lives; null when history is off. */
  file: string | null;
  /** The file's size on disk (with its log), bytes. */
  bytes: number;
  retentionDays: number;
  /** Records waiting in memory because the database could not be written. */
  queued: number;
  /** HTTP path of the streamed export (CSV or JSONL), for the browser dashboard and curl. */
  exportPath: string;
}

export interface HistoryExportInput {
  /** Start times, epoch ms: from inclusive, to exclusive; left out, the whole history. */
  from?: number;
  to?: number;
  format: 'csv' | 'jsonl';
}

export interface HistorySavedExportDto {
  /** The file written; null when the user cancelled the save dialog. */
  file: string | null;
  rows: number;
  bytes: number;
}

export interface HistoryApiSpec {
  'history.search': { input: HistorySearchInput; output: HistoryPageDto };
  'history.info': { input: void; output: HistoryInfoDto };
  /**
   * The desktop app's export: asks where to save (a dialog in Tollgate's window), then streams the range into
   * that file as GET exportPath streams it to a browser. Refused where there is no desktop to ask (headless).
   */
  'history.saveExport': { input: HistoryExportInput; output: HistorySavedExportDto };
}

export const HISTORY_CHANNELS = ['history.search', 'history.info', 'history.saveExport'] as const satisfies readonly (keyof HistoryApiSpec)[];
