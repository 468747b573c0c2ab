import { useEffect, useState } from 'react';
import type { CacheSavings } from '../lib/cache-savings';
import { formatTokens } from '../lib/format';
import { useActions } from '../store/context';
import { Money } from './Num';

/**
 * This period's cache savings as a stat card. Reloaded at most once a minute (`minute` changes), not per request:
 * it costs a spend query and a price lookup per cached model.
 */
export function CacheSavingsStat({ from, to, minute }: { from: string; to: string; minute: number }) {
  const actions = useActions();
  const [s, setS] = useState<CacheSavings | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    actions
      .loadCacheSavings({ from, to })
      .then((v) => live && (setS(v), setFailed(false)))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [actions, from, to, minute]);
  return (
    <div className="stat">
      <div className="stat-label">Cache savings</div>
      <div className="stat-value">{s ? <Money value={s.savedUsd} precise /> : failed ? '—' : <span className="skeleton-text" />}</div>
      <div className="stat-sub" title="Tokens read from a prompt cache, each billed at the cache-read price instead of the input price (base-tier prices)">
        {s
          ? `${formatTokens(s.cacheReadTokens)} tokens read from cache this month${s.unpricedTokens > 0 ? ` (${formatTokens(s.unpricedTokens)} unpriced)` : ''}`
          : failed
            ? 'not available'
            : '\u00a0'}
      </div>
    </div>
  );
}
