import fs from 'node:fs';
import path from 'node:path';
import type { Budget } from '../../contract/budgets.js';
import type { Settings } from '../../contract/settings.js';
import { requireObject, requireString, ValidationError } from '../util/validation.js';
import { validateBudget } from './validate.js';

export const BUDGET_FILE = 'budgets.json';

/**
 * Budgets declared in <data>/budgets.json, for people who prefer files: { "budgets": [{ "id": "team", … }] }.
 * The whole file is validated; an invalid one is reported and the last good configuration stays in force.
 */
export function readBudgetFile(dataDir: string, settings: Settings, now: number): { budgets: Budget[] } | { error: string } | null {
  const file = path.join(dataDir, BUDGET_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { error: `${BUDGET_FILE}: ${(err as Error).message}` };
  }
  try {
    const doc = requireObject(JSON.parse(text), BUDGET_FILE);
    if (!Array.isArray(doc.budgets)) throw new ValidationError('budgets', 'must be a list');
    const ids = new Set<string>();
    const budgets = doc.budgets.map((raw, i) => {
      const o = requireObject(raw, `budgets[${i}]`);
      const id = requireString(o.id, `budgets[${i}].id`, { max: 64 });
      if (ids.has(id)) throw new ValidationError(`budgets[${i}].id`, `"${id}" is used twice`);
      ids.add(id);
      try {
        return validateBudget(o, null, settings, now, `file:${id}`, 'file');
      } catch (err) {
        if (err instanceof ValidationError) throw new ValidationError(`budgets[${i}].${err.field}`, err.message.slice(err.field.length + 2));
        throw err;
      }
    });
    return { budgets };
  } catch (err) {
    return { error: `${BUDGET_FILE} was not applied (the last good budgets stay in force): ${(err as Error).message}` };
  }
}

/** Polls the file's mtime: fs.watch misses editors that replace files, and a 2 s delay is fine for config. */
export function watchBudgetFile(dataDir: string, onChange: () => void): () => void {
  const file = path.join(dataDir, BUDGET_FILE);
  const listener = (cur: fs.Stats, prev: fs.Stats) => {
    if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size) onChange();
  };
  fs.watchFile(file, { interval: 2000, persistent: false }, listener);
  return () => fs.unwatchFile(file, listener);
}
