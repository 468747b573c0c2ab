/**
 * A per-run budget's row name: "Agents · run 42", but "Agents · run-42" when the run id already says "run" (tools
 * name runs "run-…", which read as "run run-…" with the prefix added).
 */
export function runName(budgetName: string, run: string | null): string {
  if (!run) return budgetName;
  return /^run\b|^run[-_.:]/i.test(run) ? `${budgetName} · ${run}` : `${budgetName} · run ${run}`;
}
