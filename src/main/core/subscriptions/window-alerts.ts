export const WINDOW_TIERS = [50, 80, 100] as const;

/**
 * The tiers a window has newly reached: each tier of each window fires once, and a jump past several tiers fires
 * only the highest (one notification, not three at once). `fired` maps a window's key to its highest tier fired.
 */
export function newTier(fired: Map<string, number>, key: string, percent: number): number | null {
  const reached = WINDOW_TIERS.filter((t) => percent >= t).pop();
  if (reached === undefined || (fired.get(key) ?? 0) >= reached) return null;
  fired.set(key, reached);
  return reached;
}
