/**
 * The hardening figures as one Markdown table: every test-results/hardening/*.json file (see figures.ts),
 * whichever test wrote it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FIGURES_DIR, type FigureRow, type FiguresFile, type FigureSection } from './figures.js';

const SECTIONS: Record<FigureSection, string> = {
  attacks: 'Attacks tried and refused',
  faults: 'Faults injected and survived',
  crash: 'Crash rounds',
  load: 'Requests served vs recorded',
  memory: 'Memory',
  import: 'Coding-log import at scale',
};

export function readFigures(dir = FIGURES_DIR): FiguresFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as FiguresFile);
}

const cell = (s: string) => s.replace(/\|/g, '\\|');
const num = (n: number) => n.toLocaleString('en-US');

export function renderTable(files: FiguresFile[]): string {
  const rows: (FigureRow & { source: string })[] = files.flatMap((f) => f.rows.map((r) => ({ ...r, source: f.source })));
  const lines = ['| Area | What | Tried | OK | Figures |', '|---|---|---:|---:|---|'];
  for (const section of Object.keys(SECTIONS) as FigureSection[]) {
    const mine = rows.filter((r) => r.section === section);
    if (mine.length === 0) {
      const hint = section === 'attacks' ? 'no figures yet: the security tests add rows by writing test-results/hardening/<name>.json (support/figures.ts)' : 'no figures';
      lines.push(`| ${SECTIONS[section]} | — | | | ${hint} |`);
      continue;
    }
    for (const r of mine) {
      const ok = r.skipped ? 'skipped' : num(r.ok);
      const detail = r.skipped ? `skipped: ${r.skipped}` : (r.detail ?? '');
      lines.push(`| ${SECTIONS[section]} | ${cell(r.what)} | ${r.skipped ? '' : num(r.tried)} | ${ok} | ${cell(detail)} |`);
    }
  }
  const modes = [...new Set(files.map((f) => `${f.source}: ${f.mode}`))].join(', ');
  const failed = rows.filter((r) => !r.skipped && r.ok < r.tried && r.section !== 'load');
  const summary = [
    `Runs: ${modes || 'none'}.`,
    failed.length ? `Not OK: ${failed.map((r) => r.what).join('; ')}.` : 'Every fault, crash round and attack tried was survived or refused.',
  ];
  return `${lines.join('\n')}\n\n${summary.join(' ')}\n`;
}
