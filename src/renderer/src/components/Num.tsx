import { formatPercent, formatTokenPair, formatTokens, formatUsd } from '../lib/format';

/** Numbers in tabular figures, so live updates never shift a column. */
export function Money({ value, precise, className }: { value: number | null | undefined; precise?: boolean; className?: string }) {
  return <span className={`num${className ? ` ${className}` : ''}`}>{formatUsd(value, { precise })}</span>;
}

export function Tokens({ value }: { value: number | null | undefined }) {
  return <span className="num">{formatTokens(value)}</span>;
}

export function Pct({ value }: { value: number | null | undefined }) {
  return <span className="num">{formatPercent(value)}</span>;
}

/** Tokens in and out, in one format for both. */
export function TokenPair({ input, output }: { input: number; output: number }) {
  return <span className="num">{formatTokenPair(input, output)}</span>;
}
