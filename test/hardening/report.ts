/** Prints the table of the last hardening run again: `npx tsx test/hardening/report.ts`. */
import { readFigures, renderTable } from './support/report-table.js';

process.stdout.write(renderTable(readFigures()));
