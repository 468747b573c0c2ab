/**
 * Claude Pro/Max subscription OAuth tokens (what Claude Code signs in with) start with sk-ant-oat. Their spend is
 * API-equivalent, not billed, and they only work upstream as bearers.
 */
export function isSubscriptionToken(secret: string): boolean {
  return secret.startsWith('sk-ant-oat');
}
