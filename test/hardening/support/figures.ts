/**
 * The figures `npm run test:hardening` prints. Each hardening test file writes its rows to
 * test-results/hardening/<name>.json; test/hardening/report.ts reads every JSON file there and prints one table,
 * so other test files (the security tests) add rows the same way, with recordFigures or by writing that format.
 */
import fs from 'node:fs';
import path from 'node:path';

export type FigureSection = 'attacks' | 'faults' | 'crash' | 'load' | 'memory' | 'import';

export interface FigureRow {
  section: FigureSection;
  /** What was tried: "store file deleted while running", "SIGKILL under load", … */
  what: string;
  /** How many times it was injected / tried. */
  tried: number;
  /** How many times Tollgate survived / refused it as it should. */
  ok: number;
  /** Measured values in words ("1,234 served, 1,234 recorded"). */
  detail?: string;
  /** Set when the case did not run here, with the reason. */
  skipped?: string;
}

export interface FiguresFile {
  source: string;
  mode: 'full' | 'quick';
  writtenAt: string;
  rows: FigureRow[];
}

export const FIGURES_DIR = path.resolve('test-results', 'hardening');

export const fullRun = () => process.env.TOLLGATE_HARDENING === 'full';

export function recordFigures(name: string) {
  const rows: FigureRow[] = [];
  return {
    rows,
    add(row: FigureRow) {
      rows.push(row);
    },
    save() {
      fs.mkdirSync(FIGURES_DIR, { recursive: true });
      const out: FiguresFile = { source: name, mode: fullRun() ? 'full' : 'quick', writtenAt: new Date().toISOString(), rows };
      fs.writeFileSync(path.join(FIGURES_DIR, `${name}.json`), JSON.stringify(out, null, 2) + '\n');
    },
  };
}
