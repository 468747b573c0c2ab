import { useMemo, useState } from 'react';
import type { AllocationProposal, TeamsConfig } from '../../../main/contract/hierarchy';
import { errorText, messageForField, toApiError } from '../api/errors';
import { Field } from '../components/Field';
import { Money } from '../components/Num';
import { ErrorNote, Note } from '../components/States';
import { formatUsd } from '../lib/format';
import { parentOf, targetKey, targetsUnder, toRequest, type AllocationForm as FormState, type Strategy } from '../lib/teams-form';
import { useActions } from '../store/context';

const STRATEGIES: Array<{ id: Strategy; label: string; figure: string; hint: string }> = [
  { id: 'top-down', label: 'Top-down: split a total', figure: 'Weight', hint: 'Shares of the total; leave blank to leave one out.' },
  { id: 'bottom-up', label: 'Bottom-up: sum estimates', figure: 'Estimate ($)', hint: 'Each one’s own estimate; the total is theirs added up.' },
  { id: 'proportional', label: 'Proportional: last month + growth', figure: 'Last month ($)', hint: 'Blank: last month’s spend from the ledger. No spend then: a share of the pool.' },
];

/** Why budget `i` of a proposal has its figure: the parent comes first (when above $0), then the items above $0. */
function basisOf(p: AllocationProposal, i: number): string {
  const items = p.items.filter((it) => it.limitUsd > 0);
  const offset = p.budgets.length - items.length;
  return i < offset ? '(the total)' : (items[i - offset]?.basis ?? '');
}

/**
 * The budgeting guide's three allocation strategies. The core proposes; nothing changes until "Create" makes the
 * ticked budgets through budgets.create, exactly as the Budgets view would.
 */
export function AllocationForm({ teams, onCreated }: { teams: TeamsConfig; onCreated: () => void }) {
  const actions = useActions();
  const [f, setF] = useState<FormState>({ strategy: 'top-down', parent: 'org', total: '', growth: '10', pool: '0', figures: {} });
  const [proposal, setProposal] = useState<AllocationProposal | null>(null);
  const [picked, setPicked] = useState<boolean[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const targets = useMemo(() => targetsUnder(parentOf(f), teams), [f, teams]);
  const strategy = STRATEGIES.find((s) => s.id === f.strategy)!;
  const set = (patch: Partial<FormState>) => {
    setF({ ...f, ...patch });
    setProposal(null);
  };

  async function propose(e: React.FormEvent) {
    e.preventDefault();
    try {
      const p = await actions.proposeAllocation(toRequest(f, targets));
      setProposal(p);
      setPicked(p.budgets.map(() => true));
      setError(null);
    } catch (x) {
      const a = toApiError(x);
      setError(a.field ? messageForField(a) : a.message);
    }
  }

  async function create() {
    if (!proposal) return;
    setBusy(true);
    try {
      const made = await actions.createBudgets(proposal.budgets.filter((_, i) => picked[i]));
      const warnings = made.flatMap((b) => b.warnings ?? []);
      actions.toast({ kind: warnings.length ? 'alert' : 'info', title: `${made.length} ${made.length === 1 ? 'budget' : 'budgets'} created`, body: warnings.join(' ') || undefined });
      setProposal(null);
      onCreated();
    } catch (x) {
      setError(errorText(x));
    } finally {
      setBusy(false);
    }
  }

  const count = picked.filter(Boolean).length;
  return (
    <section className="card" aria-labelledby="alloc-title">
      <h2 id="alloc-title">Allocate budgets</h2>
      <form onSubmit={(e) => void propose(e)}>
        <div className="grid">
          <Field label="Strategy">
            <select value={f.strategy} onChange={(e) => set({ strategy: e.target.value as Strategy })}>
              {STRATEGIES.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Split">
            <select value={f.parent} onChange={(e) => set({ parent: e.target.value, figures: {} })}>
              <option value="org">{teams.organization} across its teams</option>
              {teams.teams.map((t) => (
                <option key={t.id} value={t.id}>
                  Team {t.name} across its projects and users
                </option>
              ))}
            </select>
          </Field>
          {f.strategy === 'top-down' && (
            <Field label="Monthly total ($)">
              <input inputMode="decimal" value={f.total} onChange={(e) => set({ total: e.target.value })} />
            </Field>
          )}
          {f.strategy === 'proportional' && (
            <>
              <Field label="Growth (%)">
                <input inputMode="decimal" value={f.growth} onChange={(e) => set({ growth: e.target.value })} />
              </Field>
              <Field label="Discretionary pool ($)" hint="For new projects without history">
                <input inputMode="decimal" value={f.pool} onChange={(e) => set({ pool: e.target.value })} />
              </Field>
            </>
          )}
        </div>
        {targets.length === 0 ? (
          <Note>Nothing to split yet: add teams (or a team's projects and users) above.</Note>
        ) : (
          <div className="grid">
            {targets.map((t) => (
              <Field key={targetKey(t)} label={`${strategy.figure}: ${t.level} ${t.id}`}>
                <input inputMode="decimal" value={f.figures[targetKey(t)] ?? ''} onChange={(e) => set({ figures: { ...f.figures, [targetKey(t)]: e.target.value } })} />
              </Field>
            ))}
          </div>
        )}
        <p className="hint">{strategy.hint}</p>
        {error && <ErrorNote>{error}</ErrorNote>}
        <div className="actions">
          <button type="submit" disabled={targets.length === 0}>
            Propose
          </button>
        </div>
      </form>
      {proposal && (
        <div className="proposal" aria-live="polite">
          <h3>
            Proposal: <Money value={proposal.parent.limitUsd} precise /> a month
            {proposal.unallocatedUsd > 0 && <> ({formatUsd(proposal.unallocatedUsd, { precise: true })} kept unallocated)</>}
          </h3>
          {proposal.warnings.map((w) => (
            <Note key={w} tone="warn">
              {w}
            </Note>
          ))}
          <ul className="proposal-list">
            {proposal.budgets.map((b, i) => (
              <li key={`${b.name}-${i}`}>
                <label>
                  <input type="checkbox" checked={picked[i] ?? false} onChange={(e) => setPicked(picked.map((p, j) => (j === i ? e.target.checked : p)))} /> {b.name}:{' '}
                  <Money value={b.limitUsd ?? 0} precise />
                  <span className="muted"> {basisOf(proposal, i)}</span>
                </label>
              </li>
            ))}
          </ul>
          <div className="actions">
            <button type="button" className="primary" disabled={busy || count === 0} onClick={() => void create()}>
              Create {count} {count === 1 ? 'budget' : 'budgets'}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
