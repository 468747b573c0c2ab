import type { RequestRecord } from '../src/main/contract/usage.js';
import { createBudgetEngine } from '../src/main/core/budgets/engine.js';
import { createPriceDatabase } from '../src/main/core/pricing/price-database.js';
import { createPricer } from '../src/main/core/pricing/pricer.js';
import type { AdmissionInput } from '../src/main/core/proxy/admission.js';
import { defaultSettings } from '../src/main/core/settings/settings.js';
import { systemClock } from '../src/main/core/util/clock.js';

/** Microseconds per admit + settle with 0, 10 and 100 budgets, 20% of which apply to the request. */
export async function benchAdmission(): Promise<(string | number)[][]> {
  const pricer = createPricer({ db: createPriceDatabase(), overrides: () => [] });
  const settings = defaultSettings();
  const rows: (string | number)[][] = [['budgets configured', 'applying to the call', 'µs per admit+settle', 'µs per admit']];
  for (const n of [0, 10, 100]) {
    const engine = createBudgetEngine({ clock: systemClock, settings: () => settings, pricer, tokenizer: { count: () => null, ready: async () => {} }, keyLabel: (id) => id, onChange: () => {}, onAlert: () => {} });
    for (let i = 0; i < n; i++) {
      const scope = [{}, { provider: 'anthropic' }, { keyId: `fp_${i}` }, { project: `p${i}` }, { model: 'claude-*' }][i % 5];
      engine.create({ name: `b${i}`, scope, period: { kind: (['day', 'week', 'month'] as const)[i % 3] }, limitUsd: 1e6 });
    }
    const input = (i: number): AdmissionInput => ({
      requestId: `r${i}`,
      ts: Date.now(),
      provider: 'openai',
      pricing: { routeId: 'openai', pricingProviderId: 'openai', free: false },
      operation: 'chat.completions',
      model: 'gpt-4o-mini',
      keyId: 'fp_x',
      project: null,
      user: null,
      run: null,
      call: { model: 'gpt-4o-mini', stream: false, maxOutputTokens: 500, promptText: () => 'hello' },
      bodyBytes: 120,
    });
    const rec = { usage: { inputTokens: 20, outputTokens: 10, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 }, costUsd: 0.00001, flags: [], run: null } as unknown as RequestRecord;
    const applying = engine.list().length ? [...Array(n).keys()].filter((i) => i % 5 === 0 || i % 5 === 1 || i % 5 === 4).length : 0;
    for (let i = 0; i < 2000; i++) {
      const d = engine.admit(input(i));
      if (d.ok) d.ticket.settle({ ...rec, id: `r${i}` });
    }
    const N = 20_000;
    let t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const d = engine.admit(input(i));
      if (d.ok) d.ticket.settle({ ...rec, id: `r${i}` });
    }
    const both = ((performance.now() - t0) * 1000) / N;
    t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const d = engine.admit(input(i));
      if (d.ok) d.ticket.release();
    }
    const admitOnly = ((performance.now() - t0) * 1000) / N;
    rows.push([n, applying, both.toFixed(1), admitOnly.toFixed(1)]);
  }
  return rows;
}
