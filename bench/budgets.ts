/**
 * The bench's 100 budgets: 60 of them apply to its traffic (all traffic, the openai provider, the gpt-4o* models),
 * 40 cannot (another key, another project); periods mixed, rolling windows included. None stops the traffic,
 * all are checked.
 */
export function benchBudget(i: number): { name: string; scope: Record<string, string>; period: Record<string, unknown>; limitUsd: number } {
  const scopes: Record<string, string>[] = [{}, { provider: 'openai' }, { keyId: `fp_${i}` }, { project: `p${i}` }, { model: 'gpt-4o*' }];
  const scope = scopes[i % 5]!;
  const period = [{ kind: 'day' }, { kind: 'week' }, { kind: 'month' }, { kind: 'rolling', days: 7 }, { kind: 'total' }][Math.floor(i / 5) % 5]!;
  return { name: `b${i}`, scope, period, limitUsd: 1e6 };
}

export async function createBenchBudgets(url: string, token: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${url}/api/budgets.create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(benchBudget(i)),
    });
    if (!res.ok) throw new Error(`budget ${i}: ${await res.text()}`);
  }
}
