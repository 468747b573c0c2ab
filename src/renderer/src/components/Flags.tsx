import type { RequestFlag } from '../../../main/contract/usage';

const TONE: Record<RequestFlag, 'bad' | 'warn' | 'muted'> = {
  blocked: 'bad',
  'cut-off': 'bad',
  error: 'bad',
  degraded: 'warn',
  partial: 'warn',
  clamped: 'warn',
  estimated: 'muted',
  unpriced: 'muted',
  subscription: 'muted',
  'implausible-usage': 'warn',
  truncated: 'muted',
};

const TITLE: Record<RequestFlag, string> = {
  blocked: 'Refused by a budget before it reached the provider',
  'cut-off': 'Stream ended by a budget’s hard stop',
  error: 'The provider answered with an error',
  degraded: 'Sent to a cheaper model by a budget',
  partial: 'The stream ended early; usage is what was seen',
  clamped: 'Output tokens capped by a run budget',
  estimated: 'Some token counts were estimated from the text',
  unpriced: 'No price known for this model: tokens counted, dollars unknown',
  subscription: 'Subscription token: dollars are API-equivalent, not billed',
  'implausible-usage': 'The provider reported more tokens than the model can take: counts capped at its context window',
  truncated: 'A name (model, project, user, run) was longer than 200 characters and is stored cut',
};

export function Flags({ flags }: { flags: readonly RequestFlag[] }) {
  if (flags.length === 0) return <span className="muted">ok</span>;
  return (
    <span className="flags">
      {flags.map((f) => (
        <span key={f} className={`badge badge-${TONE[f] ?? 'muted'}`} title={TITLE[f]}>
          {f}
        </span>
      ))}
    </span>
  );
}
