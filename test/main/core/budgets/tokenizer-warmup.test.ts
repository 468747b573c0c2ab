import { describe, expect, it } from 'vitest';
import { createBudgetEngine } from '../../../../src/main/core/budgets/engine.js';
import { createPriceDatabase } from '../../../../src/main/core/pricing/price-database.js';
import { createPricer } from '../../../../src/main/core/pricing/pricer.js';
import { defaultSettings } from '../../../../src/main/core/settings/settings.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';

// The tokenizer takes a while and some memory to load: it is started as soon as a budget with a hard stop exists,
// so that the first call near a limit (often a coding agent's large first request) is counted rather than bounded
// by its bytes, and never without one.
function setup() {
  let loads = 0;
  const tokenizer = {
    count: () => null,
    ready: async () => {
      loads++;
    },
  };
  const settings = defaultSettings();
  const engine = createBudgetEngine({
    clock: createManualClock(Date.UTC(2026, 10, 30, 12)),
    settings: () => settings,
    pricer: createPricer({ db: createPriceDatabase(), overrides: () => [] }),
    tokenizer,
    keyLabel: (id) => id,
    initial: undefined,
    onChange: () => {},
    onAlert: () => {},
  });
  return { engine, loads: () => loads };
}

describe('the tokenizer is loaded once a hard stop exists', () => {
  it('not for budgets that only warn; at once for one that stops, made or edited so', () => {
    const { engine, loads } = setup();
    const soft = engine.create({ name: 'soft', period: { kind: 'day' }, limitUsd: 5, hardStopPercent: null });
    expect(loads()).toBe(0);
    engine.update(soft.id, { limitUsd: 6 });
    expect(loads()).toBe(0);
    engine.update(soft.id, { hardStopPercent: 100 });
    expect(loads()).toBe(1);
    engine.create({ name: 'hard', period: { kind: 'day' }, limitUsd: 5, hardStopPercent: 120 });
    expect(loads()).toBe(2);
  });

  it('for hard stops declared in budgets.json', () => {
    const { engine, loads } = setup();
    const declared = engine.create({ name: 'file', period: { kind: 'day' }, limitUsd: 5, hardStopPercent: null });
    engine.remove(declared.id);
    engine.replaceFileBudgets([{ ...declared, source: 'file' }]);
    expect(loads()).toBe(0);
    engine.replaceFileBudgets([{ ...declared, source: 'file', hardStopPercent: 100 }]);
    expect(loads()).toBe(1);
  });
});
