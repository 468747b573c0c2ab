import { memo } from 'react';
import type { BudgetState, BudgetStatus } from '../../../main/contract/budgets';
import { formatDateTime, formatPercent, formatRelative, formatReset, formatTokens, formatUsd } from '../lib/format';
import { href } from '../lib/route';
import { runName } from '../../../shared/run-label';

export const STATE_WORDS: Record<BudgetState, string> = {
  ok: 'under 50%',
  notice: 'past 50%',
  warning: 'past 80%',
  exceeded: 'over the limit',
  stopped: 'hard-stopped',
};

/** Where the bar ends: the hard stop (or 100%) with a little room, so the marks never sit at the very edge. */
export function meterScale(b: Pick<BudgetStatus, 'percent'> & { budget: Pick<BudgetStatus['budget'], 'hardStopPercent' | 'thresholds'> }): number {
  const top = Math.max(100, b.budget.hardStopPercent ?? 100, ...b.budget.thresholds);
  return top * 1.1;
}

export function spendWords(s: BudgetStatus): string {
  const parts: string[] = [];
  // Precise: a small budget's figures must not read "<$0.01 of <$0.01".
  if (s.effectiveLimitUsd !== null) parts.push(`${formatUsd(s.spentUsd, { precise: true })} of ${formatUsd(s.effectiveLimitUsd, { precise: true })}`);
  if (s.effectiveLimitTokens !== null) parts.push(`${formatTokens(s.spentTokens)} of ${formatTokens(s.effectiveLimitTokens)} tokens`);
  if (parts.length === 0) parts.push(formatUsd(s.spentUsd, { precise: true }));
  return parts.join(' · ');
}

/** One budget's utilization: the bar with its tiers and hard stop, the words, and when it starts over. */
export const Meter = memo(function Meter({ s, now, tz, link = true }: { s: BudgetStatus; now: number; tz: string; link?: boolean }) {
  const scale = meterScale(s);
  const pos = (p: number) => `${Math.min(100, (Math.max(0, p) / scale) * 100)}%`;
  const limit = s.effectiveLimitUsd;
  const reservedPct = limit ? (s.reservedUsd / limit) * 100 : 0;
  const hs = s.budget.hardStopPercent;
  const name = runName(s.budget.name, s.run);
  return (
    <div className={`meter-row state-${s.state}`} data-budget={s.budget.id}>
      <div className="meter-head">
        {link ? <a href={href('budgets', s.budget.id)}>{name}</a> : <span>{name}</span>}
        <span className={`badge badge-state-${s.state}`}>{STATE_WORDS[s.state]}</span>
        {!s.budget.enabled && <span className="badge badge-muted">off</span>}
        <span className="meter-figures num">{spendWords(s)}</span>
        <span className="meter-pct num">{formatPercent(s.percent)}</span>
      </div>
      <div
        className="meter"
        role="meter"
        aria-label={`${name}: ${formatPercent(s.percent)} used`}
        aria-valuemin={0}
        aria-valuemax={Math.round(scale)}
        aria-valuenow={Math.round(s.percent * 10) / 10}
        aria-valuetext={`${spendWords(s)}, ${formatPercent(s.percent)}`}
      >
        <div className="meter-fill" style={{ width: pos(s.percent) }} />
        {reservedPct > 0 && <div className="meter-reserved" style={{ left: pos(s.percent), width: pos(reservedPct) }} title={`${formatUsd(s.reservedUsd)} reserved by requests in flight`} />}
        {s.budget.thresholds.map((t) => (
          <div key={t} className={`mark${s.fired.includes(t) ? ' mark-fired' : ''}`} style={{ left: pos(t) }} title={`${t}% notice`}>
            <span className="mark-label num">{t}%</span>
          </div>
        ))}
        {hs !== null && (
          <div className="mark mark-stop" style={{ left: pos(hs) }} title={`Hard stop at ${hs}%: requests are ${s.budget.action === 'degrade' ? 'sent to a cheaper model' : 'blocked'}`}>
            <span className="mark-label num">stop {hs}%</span>
          </div>
        )}
      </div>
      <div className="meter-foot">
        <span>{formatReset(s.resetsAt, now, tz)}</span>
        {s.unblockable && (
          <span className="unblockable">
            {s.unblockable.message} <a href={href('settings', 'coding-tools')}>Route it</a>
          </span>
        )}
        {s.guardrail && (
          <span className="num">
            daily cap {formatUsd(s.guardrail.spentUsd, { precise: true })} of {formatUsd(s.guardrail.limitUsd, { precise: true })} ({formatPercent(s.guardrail.percent)})
          </span>
        )}
        {s.overrides.map((o) => (
          <span key={o.id}>
            raised by {o.addUsd !== null ? formatUsd(o.addUsd) : `${o.addPercent}%`} until {formatDateTime(o.expiresAt, tz)} ({formatRelative(o.expiresAt, now)})
          </span>
        ))}
        {s.reportedUsd !== null && (
          <span title="Spend the provider reports, including calls that never passed through Tollgate">
            provider reports {formatUsd(s.reportedUsd)}
            {s.reportedAsOf !== null ? ` as of ${formatDateTime(s.reportedAsOf, tz)}` : ''}
          </span>
        )}
        {s.unpricedRequests > 0 && <span>{s.unpricedRequests} unpriced {s.unpricedRequests === 1 ? 'call' : 'calls'} not in the dollars</span>}
      </div>
    </div>
  );
});
