import type { BudgetAlert } from '../../contract/budgets.js';
import type { TeamLink } from './connect.js';

const FORTY_DAYS_MS = 40 * 86_400_000;

/**
 * Each alert (its id is unique per budget × period × tier) is delivered by one instance of the team: the first
 * to claim it in Redis. With the link down an instance delivers its own: a tier told twice beats one not told.
 */
export function createAlertClaims(link: TeamLink, prefix: string) {
  return {
    claim(a: BudgetAlert, deliver: () => void): void {
      if (link.state !== 'up') return deliver();
      link.redis.set(`${prefix}fired:${encodeURIComponent(a.id)}`, '1', 'PX', FORTY_DAYS_MS, 'NX').then(
        (won) => {
          if (won === 'OK') deliver();
        },
        () => deliver(),
      );
    },
  };
}
